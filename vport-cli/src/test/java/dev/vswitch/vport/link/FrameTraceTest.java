package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.MacAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameTraceTest {

    @Test
    void oneLineWithDirectionAddressesTypeAndSize() {
        ByteBuffer arp = ByteBuffer.allocateDirect(64);
        EthernetFrame.writeMac(arp, EthernetFrame.DESTINATION_OFFSET, MacAddress.BROADCAST);
        EthernetFrame.writeMac(arp, EthernetFrame.SOURCE_OFFSET, 0x02005e100001L);
        arp.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) 0x0806);
        assertEquals("tap->switch dst=ff:ff:ff:ff:ff:ff src=02:00:5e:10:00:01 type=0x0806 size=42",
                FrameTrace.line("tap->switch", arp, 42));
    }
}
