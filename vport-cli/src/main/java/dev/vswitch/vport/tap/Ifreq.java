package dev.vswitch.vport.tap;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.vport.values.InterfaceName;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Linux's {@code struct ifreq} (40 bytes on 64-bit): the interface name in the first 16 bytes, then a
 * union whose member depends on the ioctl. Held in one direct buffer in native byte order, reused for
 * every request, and passed to {@code ioctl} as a pointer.
 */
public final class Ifreq {

    public static final int SIZE = 40;
    static final int UNION_OFFSET = InterfaceName.MAX_BYTES;
    static final short IFF_UP = 0x1;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    /** Every frame read or written is preceded by a virtio_net_hdr: what carries offloads across the TAP. */
    static final short IFF_VNET_HDR = 0x4000;
    static final short ARPHRD_ETHER = 1;
    private static final short AF_INET = LibC.AF_INET;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(SIZE).order(ByteOrder.nativeOrder());

    /** Zeroes the whole struct and writes the (already validated) interface name. */
    public Ifreq reset(String name) {
        for (int i = 0; i < SIZE; i++) {
            buffer.put(i, (byte) 0);
        }
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= InterfaceName.MAX_BYTES) {
            throw new IllegalArgumentException("interface name too long: " + name);
        }
        buffer.put(0, bytes);
        return this;
    }

    /** The name, which the kernel rewrites when it picks one (for a pattern like {@code tap%d}). */
    public String name() {
        int length = 0;
        while (length < InterfaceName.MAX_BYTES && buffer.get(length) != 0) {
            length++;
        }
        byte[] bytes = new byte[length];
        buffer.get(0, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** {@code ifr_flags}: TUNSETIFF's device type, or SIOC[GS]IFFLAGS' interface flags. */
    public Ifreq flags(short flags) {
        buffer.putShort(UNION_OFFSET, flags);
        return this;
    }

    public short flags() {
        return buffer.getShort(UNION_OFFSET);
    }

    /** {@code ifr_mtu}. */
    public Ifreq mtu(int mtu) {
        buffer.putInt(UNION_OFFSET, mtu);
        return this;
    }

    public int mtu() {
        return buffer.getInt(UNION_OFFSET);
    }

    /** {@code ifr_addr} or {@code ifr_netmask} as a {@code sockaddr_in}: family, port 0, address in network order. */
    public Ifreq ipv4(int address) {
        buffer.putShort(UNION_OFFSET, AF_INET);
        buffer.putShort(UNION_OFFSET + 2, (short) 0);
        for (int i = 0; i < 4; i++) {
            buffer.put(UNION_OFFSET + 4 + i, (byte) (address >>> (24 - 8 * i)));
        }
        return this;
    }

    /** {@code ifr_hwaddr}: family ARPHRD_ETHER, then the six address bytes in {@code sa_data}. */
    public Ifreq hardwareAddress(long mac) {
        buffer.putShort(UNION_OFFSET, ARPHRD_ETHER);
        buffer.put(UNION_OFFSET + 2, MacAddress.toBytes(mac));
        return this;
    }

    public long hardwareAddress() {
        long mac = 0;
        for (int i = 0; i < MacAddress.LENGTH; i++) {
            mac = (mac << 8) | (buffer.get(UNION_OFFSET + 2 + i) & 0xFF);
        }
        return mac;
    }

    ByteBuffer buffer() {
        return buffer;
    }
}
