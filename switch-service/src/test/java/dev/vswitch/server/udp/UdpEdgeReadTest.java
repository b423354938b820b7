package dev.vswitch.server.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A {@link UdpEdge} on a real loopback socket, read as the switch reads: the datagrams a vport sends with one UDP GSO
 * send reach the handler one by one, each exactly as sent and in order. (With UDP GRO asked for on top of Netty's
 * recvmmsg they arrived as one datagram: netty/netty#17492.)
 */
class UdpEdgeReadTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<byte[]> received = new ArrayList<>();
    private Vertx vertx;
    private UdpEdge<DatagramHandler> edge;
    private EventLoopGroup senderLoop;
    private Channel sender;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Epoll.isAvailable() && SegmentedDatagramPacket.isSupported(), "needs Netty's epoll transport with UDP GSO");
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        PooledByteBufAllocator buffers = UdpEdge.newBufferPool();
        edge = new UdpEdge<>("127.0.0.1", 0, 1 << 20, new PortTimings() {
            @Override
            public void forwarding(long nanos) {
            }

            @Override
            public void eventLoopLag(long nanos) {
            }
        }, buffers, port -> new DatagramHandler() {
            @Override
            public void onDatagram(ByteBuffer message, InetSocketAddress from, long nowNanos) {
                byte[] copy = new byte[message.remaining()];
                message.get(message.position(), copy);
                synchronized (received) {
                    received.add(copy);
                }
            }

            @Override
            public void sweep(long nowNanos) {
            }
        });
        vertx.deployVerticle(edge).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        senderLoop = new EpollEventLoopGroup(1);
        sender = new Bootstrap().group(senderLoop).channel(EpollDatagramChannel.class).handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        if (sender != null) {
            sender.close().sync();
            senderLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void theDatagramsOfOneGsoSendArriveOneByOneAsSent() throws Exception {
        int segment = 1_400;
        int count = 40;
        byte[] batch = new byte[segment * (count - 1) + 300]; // the last one shorter
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (byte) (i * 31 + i / segment);
        }
        ByteBuf content = Unpooled.directBuffer(batch.length).writeBytes(batch);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), edge.boundPort());
        sender.writeAndFlush(new SegmentedDatagramPacket(content, segment, to)).sync();

        Awaitility.await("all " + count + " datagrams").atMost(WAIT).until(() -> {
            synchronized (received) {
                return received.size() >= count;
            }
        });
        synchronized (received) {
            assertEquals(count, received.size());
            for (int i = 0; i < count; i++) {
                int from = i * segment;
                byte[] expected = Arrays.copyOfRange(batch, from, Math.min(batch.length, from + segment));
                assertArrayEquals(expected, received.get(i), "datagram " + i);
            }
        }
    }
}
