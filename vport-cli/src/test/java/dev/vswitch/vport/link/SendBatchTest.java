package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vswitch.protocol.Mtu;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What leaves in which send: checked against a recording connection, the interface's fake. */
class SendBatchTest {

    private final Recording link = new Recording();
    private final LinkCounters counters = new LinkCounters();
    private final SendBatch batch = new SendBatch(link, counters::sentToSwitch);
    /** The next byte {@link #add} writes, and the next one {@link #expected} expects: they count up together. */
    private int next;
    private int sent;

    /** One send: its bytes and the segment size it was asked to cut them at (0: an ordinary send). */
    private record Send(byte[] bytes, int segmentSize) {
    }

    @Test
    void datagramsOfOneLengthAndAShorterLastLeaveInOneSegmentedSend() {
        add(1000, 1000, 1000, 300);
        batch.send();
        assertEquals(List.of(1000), segmentSizes());
        assertArrayEquals(expected(1000, 1000, 1000, 300), link.sends.get(0).bytes());
        assertEquals(4, counters.framesToSwitch());
        assertEquals(4 * 10, counters.bytesToSwitch(), "the frame bytes the writer said each carried");
    }

    @Test
    void aLoneDatagramIsAnOrdinarySendAndAnEmptyBatchSendsNothing() {
        batch.send();
        add(500);
        batch.send();
        batch.send();
        assertEquals(List.of(0), segmentSizes());
        assertArrayEquals(expected(500), link.sends.get(0).bytes());
    }

    @Test
    void aLongerDatagramOrOneAfterTheShorterLastStartsTheNextSend() {
        add(1000, 1000, 1200, 1200, 700, 1200);
        batch.send();
        assertEquals(List.of(1000, 1200, 0), segmentSizes());
        assertArrayEquals(expected(1000, 1000), link.sends.get(0).bytes());
        assertArrayEquals(expected(1200, 1200, 700), link.sends.get(1).bytes());
        assertArrayEquals(expected(1200), link.sends.get(2).bytes());
    }

    @Test
    void aSendCarriesAtMostSixtyFourDatagramsAndTheLargestUdpPayload() {
        int[] small = new int[70];
        Arrays.fill(small, 100);
        add(small);
        batch.send();
        assertEquals(List.of(100, 100), segmentSizes());
        assertEquals(64 * 100, link.sends.get(0).bytes().length);

        link.sends.clear();
        int[] large = new int[50];
        Arrays.fill(large, 1452);
        add(large);
        batch.send();
        int fitting = Mtu.MAX_DATAGRAM / 1452;
        assertEquals(fitting * 1452, link.sends.get(0).bytes().length);
        assertEquals((50 - fitting) * 1452, link.sends.get(1).bytes().length);
    }

    /** Writes datagrams of these lengths, each of bytes counting on from the last, as if each carried 10 frame bytes. */
    private void add(int... lengths) {
        for (int length : lengths) {
            ByteBuffer into = batch.room(length);
            for (int i = 0; i < length; i++) {
                into.put((byte) (next++));
            }
            batch.added(10);
        }
    }

    private byte[] expected(int... lengths) {
        int total = 0;
        for (int length : lengths) {
            total += length;
        }
        byte[] bytes = new byte[total];
        int at = sent;
        for (int i = 0; i < total; i++) {
            bytes[i] = (byte) (at + i);
        }
        sent += total;
        return bytes;
    }

    private List<Integer> segmentSizes() {
        return link.sends.stream().map(Send::segmentSize).toList();
    }

    private static final class Recording implements SwitchConnection {

        final List<Send> sends = new ArrayList<>();

        @Override
        public InetSocketAddress remote() {
            return new InetSocketAddress("127.0.0.1", 9999);
        }

        @Override
        public boolean send(ByteBuffer datagram) {
            return record(datagram, 0);
        }

        @Override
        public boolean sendSegments(ByteBuffer datagrams, int segmentSize) {
            return record(datagrams, segmentSize);
        }

        private boolean record(ByteBuffer buffer, int segmentSize) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            sends.add(new Send(bytes, segmentSize));
            return true;
        }

        @Override
        public int receive(ByteBuffer buffer) {
            return -1;
        }

        @Override
        public void reconnect(InetSocketAddress newRemote) {
        }

        @Override
        public void close() {
        }
    }
}
