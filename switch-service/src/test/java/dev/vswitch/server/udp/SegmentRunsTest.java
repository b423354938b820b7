package dev.vswitch.server.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a batch's sends are gathered into GSO sends, on an {@link EmbeddedChannel}: no socket, no kernel. */
class SegmentRunsTest {

    private static final InetSocketAddress ALICE = new InetSocketAddress("198.18.0.1", 40001);
    private static final InetSocketAddress BOB = new InetSocketAddress("198.18.0.2", 40002);

    private final ByteBufAllocator buffers = new UnpooledByteBufAllocator(true);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final SegmentRuns runs = new SegmentRuns(channel, buffers);

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void datagramsOfOneLengthToOneDestinationLeaveAsOneSendWithTheShorterLastOne() {
        for (int i = 0; i < 5; i++) {
            runs.add(datagram(i, 100), ALICE);
        }
        runs.add(datagram(5, 40), ALICE);
        runs.writeOut();
        channel.flush(); // as the edge does when the batch ends
        SegmentedDatagramPacket sent = assertInstanceOf(SegmentedDatagramPacket.class, channel.readOutbound());
        assertEquals(100, sent.segmentSize());
        assertEquals(ALICE, sent.recipient());
        ByteBuf content = sent.content();
        assertEquals(540, content.readableBytes());
        for (int i = 0; i < 540; i++) {
            assertEquals((byte) (i / 100), content.getByte(i), "byte " + i + ": the datagrams in order");
        }
        sent.release();
        assertNull(channel.readOutbound(), "one send");
        assertEquals(1, runs.segmentedSends());
    }

    @Test
    void aLoneDatagramGoesAsItIsWithoutACopy() {
        ByteBuf lone = datagram(7, 60);
        runs.add(lone, ALICE);
        runs.writeOut();
        channel.flush(); // as the edge does when the batch ends
        DatagramPacket sent = channel.readOutbound();
        assertInstanceOf(DatagramPacket.class, sent);
        assertTrue(!(sent instanceof SegmentedDatagramPacket));
        assertTrue(sent.content() == lone, "the very buffer");
        sent.release();
        assertEquals(0, runs.segmentedSends());
    }

    @Test
    void anotherDestinationALongerDatagramOrOneAfterTheShortOneStartsTheNextRun() {
        runs.add(datagram(0, 100), ALICE);
        runs.add(datagram(1, 100), ALICE);
        runs.add(datagram(2, 100), BOB);      // another destination
        runs.add(datagram(3, 100), BOB);
        runs.add(datagram(4, 50), BOB);       // shorter: ends the run
        runs.add(datagram(5, 50), BOB);       // so this starts the next
        runs.add(datagram(6, 80), BOB);       // longer than that run's length
        runs.writeOut();
        channel.flush(); // as the edge does when the batch ends
        assertSend(ALICE, 100, 200);
        assertSend(BOB, 100, 250);
        assertLone(BOB, 50);
        assertLone(BOB, 80);
        assertNull(channel.readOutbound());
    }

    @Test
    void aRunStopsAtSixtyFourDatagramsAndAtTheLargestUdpPayload() {
        for (int i = 0; i < 65; i++) {
            runs.add(datagram(i, 100), ALICE);
        }
        for (int i = 0; i < 46; i++) {
            runs.add(datagram(i, 1452), BOB);
        }
        runs.writeOut();
        channel.flush(); // as the edge does when the batch ends
        assertSend(ALICE, 100, 6400);
        assertLone(ALICE, 100);
        assertSend(BOB, 1452, 45 * 1452);
        assertLone(BOB, 1452);
        assertNull(channel.readOutbound());
    }

    /** A GSO segment must fit one packet of the path: longer datagrams (64 KB offload messages) are never gathered. */
    @Test
    void datagramsLongerThanOnePacketOfThePathGoOnTheirOwn() {
        runs.add(datagram(0, 1452), ALICE);
        runs.add(datagram(1, 30_000), ALICE);
        runs.add(datagram(2, 30_000), ALICE);
        runs.add(datagram(3, 1453), ALICE);
        runs.writeOut();
        channel.flush();
        assertLone(ALICE, 1452);
        assertLone(ALICE, 30_000);
        assertLone(ALICE, 30_000);
        assertLone(ALICE, 1453);
        assertNull(channel.readOutbound());
    }

    /** A kernel or device that refuses GSO sends: after the first refusal every datagram goes on its own. */
    @Test
    void afterARefusedGsoSendDatagramsGoOneByOne() {
        EmbeddedChannel refusing = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof SegmentedDatagramPacket segmented) {
                    segmented.release();
                    promise.setFailure(new IOException("Invalid argument"));
                } else {
                    ctx.write(msg, promise);
                }
            }
        });
        SegmentRuns gathering = new SegmentRuns(refusing, buffers);
        gathering.add(datagram(0, 100), ALICE);
        gathering.add(datagram(1, 100), ALICE);
        gathering.writeOut();
        refusing.flush();
        assertNull(refusing.readOutbound(), "the refused send is lost");
        gathering.add(datagram(2, 100), ALICE);
        gathering.add(datagram(3, 100), ALICE);
        gathering.writeOut();
        refusing.flush();
        for (int i = 0; i < 2; i++) {
            DatagramPacket sent = refusing.readOutbound();
            assertTrue(sent != null && !(sent instanceof SegmentedDatagramPacket), "one by one");
            sent.release();
        }
        assertEquals(1, gathering.segmentedSends());
        refusing.finishAndReleaseAll();
    }

    private void assertSend(InetSocketAddress to, int segment, int bytes) {
        SegmentedDatagramPacket sent = assertInstanceOf(SegmentedDatagramPacket.class, channel.readOutbound());
        assertEquals(to, sent.recipient());
        assertEquals(segment, sent.segmentSize());
        assertEquals(bytes, sent.content().readableBytes());
        sent.release();
    }

    private void assertLone(InetSocketAddress to, int bytes) {
        DatagramPacket sent = channel.readOutbound();
        assertTrue(sent != null && !(sent instanceof SegmentedDatagramPacket), "a plain datagram");
        assertEquals(to, sent.recipient());
        assertEquals(bytes, sent.content().readableBytes());
        sent.release();
    }

    private ByteBuf datagram(int fill, int length) {
        ByteBuf datagram = buffers.directBuffer(length);
        for (int i = 0; i < length; i++) {
            datagram.writeByte(fill);
        }
        return datagram;
    }
}
