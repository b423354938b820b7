package dev.vswitch.server.cluster;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery looks names up off the event loop and hands the replicas' addresses to it. */
class PeerDiscoveryTest {

    @Test
    void staticPeersAndEveryAddressOfTheDnsNameAreFoundOnTheEventLoop() throws Exception {
        ClusterSettings settings = new ClusterSettings(new byte[32], List.of(new ClusterSettings.PeerAddress("localhost", 7001),
                new ClusterSettings.PeerAddress("::1", 7002)), Optional.of("localhost"), Duration.ofSeconds(10),
                OptionalInt.empty());
        Vertx vertx = Vertx.vertx();
        try {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Set<InetSocketAddress>> found = new CompletableFuture<>();
            CompletableFuture<Boolean> onEventLoop = new CompletableFuture<>();
            context.runOnContext(ignored -> new PeerDiscovery(settings, 7000, context, (addresses, now) -> {
                onEventLoop.complete(Context.isOnEventLoopThread());
                found.complete(addresses);
            }).start());
            assertEquals(Set.of(new InetSocketAddress("127.0.0.1", 7001),
                    new InetSocketAddress("0:0:0:0:0:0:0:1", 7002),
                    new InetSocketAddress("127.0.0.1", 7000)), found.get(10, TimeUnit.SECONDS),
                    "localhost's A record only, and the DNS name's replicas on this replica's own port");
            assertTrue(onEventLoop.get(), "handed over on the event loop");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
