package dev.vswitch.server;

import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Starts the switch's UDP edge with the application, and gives the rest of the application (health,
 * tests, later the management API) a safe way to look at the switching state.
 */
@ApplicationScoped
public class SwitchService {

    /** Exit code when the UDP port cannot be bound (in use, bad address, no permission). */
    public static final int EXIT_CANNOT_BIND = 3;
    private static final Logger LOG = Logger.getLogger(SwitchService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final SwitchConfig config;
    private final VirtualSwitch<SocketAddress> network;
    private volatile DatagramSwitch edge;

    SwitchService(Vertx vertx, SwitchConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.network = new VirtualSwitch<>("default", new SwitchSettings(config.maxFrameSize(),
                config.macAgingTime(), config.portIdleTimeout(), config.maxMacEntries(), config.maxPorts(),
                config.safety().toL2Safety()));
    }

    void onStart(@Observes StartupEvent event) {
        DatagramSwitch verticle = new DatagramSwitch(config, network);
        try {
            vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.errorf("cannot listen on udp %s:%d: %s", config.host(), config.port(), cause.getMessage());
            Quarkus.asyncExit(EXIT_CANNOT_BIND);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        edge = verticle;
        LOG.infof("vswitch listening on udp %s:%d (plain format, one Ethernet frame per datagram); "
                        + "max frame %d bytes, MAC ageing %ds, port idle timeout %ds",
                config.host(), verticle.boundPort(), config.maxFrameSize(), config.macAgingTime().toSeconds(),
                config.portIdleTimeout().toSeconds());
    }

    /** True once the UDP socket is bound and forwarding. */
    public boolean isListening() {
        return edge != null;
    }

    /** The bound UDP port; only valid when {@link #isListening()}. */
    public int udpPort() {
        return edge.boundPort();
    }

    /**
     * Runs {@code query} on the switch's event loop, where the switching state may be read safely, and
     * waits for its answer. Also proves that the event loop is answering.
     */
    public <T> T inspect(Function<VirtualSwitch<SocketAddress>, T> query, Duration timeout)
            throws TimeoutException {
        DatagramSwitch current = edge;
        if (current == null) {
            throw new IllegalStateException("the switch is not listening");
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        current.runOnEventLoop(() -> {
            try {
                answer.complete(query.apply(network));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while waiting for the event loop");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
