package dev.vswitch.server;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.server.auth.ApiToken;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.cluster.ClusterSettings;
import dev.vswitch.server.cluster.PeerDiscovery;
import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.keys.NetworkDefinition;
import dev.vswitch.server.keys.NetworkVariables;
import dev.vswitch.server.keys.SwitchKeys;
import dev.vswitch.server.keys.TokenEndpoint;
import dev.vswitch.server.legacy.LegacyDatagramSwitch;
import dev.vswitch.server.metrics.PortSeries;
import dev.vswitch.server.metrics.SwitchMetrics;
import dev.vswitch.server.secure.SecureCounters;
import dev.vswitch.server.secure.SecureDatagramSwitch;
import dev.vswitch.server.udp.UdpEdge;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.quarkus.runtime.ShutdownDelayInitiated;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Starts the switch's UDP ports with the application: the secure port always, the plaintext legacy port
 * when configured. Gives the rest of the application (health, tests, metrics) a safe way to look at the
 * switching state, which lives on the ports' event loops.
 */
@ApplicationScoped
public class SwitchService {

    /** Exit code when the UDP port cannot be bound (in use, bad address, no permission). */
    public static final int EXIT_CANNOT_BIND = StartFailure.EXIT_UDP_BIND;
    /** Exit code when keys or networks are misconfigured or the key directory is unusable. */
    public static final int EXIT_BAD_KEYS = StartFailure.EXIT_BAD_KEYS;
    /** The network that the legacy port forms. */
    public static final String LEGACY_NETWORK = "legacy";
    private static final Logger LOG = Logger.getLogger(SwitchService.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final SwitchConfig config;
    private final SwitchSettings settings;
    private final SwitchMetrics metrics;
    private final Captures captures;
    private final PortSeries portSeries;
    private final ApiToken apiToken;
    /** The UDP ports' buffer pool, made with the bean at run time (UdpEdge.newBufferPool). */
    private final PooledByteBufAllocator udpBuffers = UdpEdge.newBufferPool();
    /** What start-up has to say, held back until the HTTP port is bound too, so no failure follows a "listening". */
    private final List<Runnable> announcements = new CopyOnWriteArrayList<>();
    private final AtomicBoolean announced = new AtomicBoolean();
    private volatile UdpEdge<SecureDatagramSwitch> secure;
    private volatile boolean draining;
    /** A network's join token, once the keys are loaded. */
    private volatile Function<String, Optional<String>> tokens = network -> Optional.empty();
    private volatile UdpEdge<LegacyDatagramSwitch> legacy;

    SwitchService(Vertx vertx, SwitchConfig config, SwitchMetrics metrics, Captures captures, PortSeries portSeries,
                  ApiToken apiToken) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.apiToken = apiToken;
        this.captures = captures;
        this.portSeries = portSeries;
        this.settings = new SwitchSettings(config.maxFrameSize(), config.macAgingTime(), config.portIdleTimeout(),
                config.maxMacEntries(), config.maxPorts(), config.safety().toL2Safety());
    }

    /**
     * Loads the keys, makes the API token and binds the UDP ports; any failure ends start-up with a
     * {@link StartFailure} (one line, its own exit code) before Quarkus reports the application started.
     */
    void onStart(@Observes StartupEvent event) {
        SwitchKeys keys;
        ClusterSettings cluster;
        String apiTokenSource;
        try {
            keys = SwitchKeys.load(config, new SecureRandom());
            cluster = ClusterSettings.from(config.cluster());
            apiTokenSource = apiTokenSource();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new StartFailure(StartFailure.EXIT_BAD_KEYS, "cannot start: " + e.getMessage());
        }
        UdpEdge<SecureDatagramSwitch> secureEdge = new UdpEdge<>(config.host(), config.port(), config.socketBufferSize(),
                metrics, udpBuffers, port -> new SecureDatagramSwitch(port, config, keys, settings, cluster, new SecureRandom(),
                        captures, Clock.systemUTC()));
        SecureDatagramSwitch securePort = secureEdge.handler();
        for (String network : securePort.networkNames()) {
            securePort.lan(network).onPortChanges(portSeries.listenerFor(network,
                    endpoint -> endpoint.clientKey() != null ? endpoint.clientKey() : endpoint.address()));
        }
        if (securePort.mesh() != null) {
            metrics.bindCluster(securePort.mesh());
        }
        deploy(secureEdge, config.port(), "vswitch.port (VSWITCH_PORT)");
        if (cluster != null) {
            // Discovery's lookups hand what they find to the mesh on the port's event loop, the context it is started on.
            secureEdge.runOnEventLoop(() -> new PeerDiscovery(cluster, secureEdge.boundPort(), Vertx.currentContext(),
                    securePort.mesh()::discovered).start());
        }
        secure = secureEdge;
        metrics.bindSecurePort(securePort.counters());
        securePort.networkCounters().forEach(metrics::bindNetwork);
        announcements.add(() -> LOG.infof("vswitch listening on udp %s:%d (secure protocol v1), switch public key %s, "
                        + "networks %s; max frame %d bytes, MAC ageing %ds", secureEdge.boundHost(), secureEdge.boundPort(),
                Keys.encode(keys.publicKey()), keys.networks(), config.maxFrameSize(),
                config.macAgingTime().toSeconds()));
        if (SwitchKeys.keepsDefaultBeside(config) && !config.networks().isEmpty()) {
            announcements.add(() -> LOG.infof("network '%s' is kept beside the configured networks, so its vports stay "
                    + "connected; vswitch.default-network=false removes it", SwitchKeys.DEFAULT_NETWORK));
        }
        NetworkVariables.unapplied(System.getenv(), keys.networks().stream().map(NetworkDefinition::name).toList())
                .forEach(warning -> announcements.add(() -> LOG.warn(warning)));
        if (cluster != null) {
            announcements.add(() -> LOG.infof("replica %s of a cluster: trunks on the same port; %s",
                    securePort.mesh().id(), cluster));
        }
        prepareTokens(keys, secureEdge.boundPort());
        announcements.add(() -> LOG.infof("management API token: %s", apiTokenSource));
        if (config.legacyPort().isPresent()) {
            VirtualSwitch<InetSocketAddress> legacyNetwork = new VirtualSwitch<>(LEGACY_NETWORK, settings,
                    config.legacy().toOpenNetworkLimits(), System.nanoTime());
            legacyNetwork.onPortChanges(portSeries.listenerFor(LEGACY_NETWORK, AddressText::endpoint));
            UdpEdge<LegacyDatagramSwitch> legacyEdge = new UdpEdge<>(config.host(), config.legacyPort().getAsInt(),
                    config.socketBufferSize(), metrics, udpBuffers,
                    port -> new LegacyDatagramSwitch(port, config.trace(), legacyNetwork, captures));
            deploy(legacyEdge, config.legacyPort().getAsInt(), "vswitch.legacy-port (VSWITCH_LEGACY_PORT)");
            legacy = legacyEdge;
            metrics.bindNetwork(LEGACY_NETWORK, legacyNetwork.counters());
            announcements.add(() -> LOG.warnf("legacy plaintext port udp %s:%d is open (seed format, network '%s'): "
                    + "anyone who can reach it can join that network and read its traffic", legacyEdge.boundHost(),
                    legacyEdge.boundPort(), LEGACY_NETWORK));
        }
    }

    /**
     * Makes the API token now, not at the first API request, so that the file the 401 answer points at exists.
     * The bean is created behind a proxy, which may wrap its constructor's failure.
     */
    private String apiTokenSource() {
        try {
            return apiToken.source();
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof UncheckedIOException io) {
                    throw io;
                }
            }
            throw e;
        }
    }

    /**
     * Says what started once every port is bound: the HTTP server starts after the StartupEvent, and announces
     * itself asynchronously, so these lines come about when Quarkus's "started" line does, never before a failure.
     */
    void onHttpStarted(@ObservesAsync HttpServerStart event) {
        if (secure != null && announced.compareAndSet(false, true)) {
            announcements.forEach(Runnable::run);
        }
    }

    /**
     * SIGTERM with {@code vswitch.shutdown.drain} set: Quarkus waits that long before it stops anything. Meanwhile the
     * switch reports not ready (so a load balancer sends no new flows here), goes on forwarding, and tells its vports
     * in every keepalive reply, so that those which know another replica move to it now, not when this one is gone.
     */
    @ShutdownDelayInitiated
    void onShutdownDelay() {
        drain();
    }

    /** Starts draining (see {@link #onShutdownDelay}); public for tests, which cannot send themselves SIGTERM. */
    public void drain() {
        if (draining) {
            return;
        }
        draining = true;
        LOG.infof("shutting down: draining for %d s (vswitch.shutdown.drain); not ready from now on, still forwarding,"
                + " and asking vports to move to another replica", config.shutdown().drain().toSeconds());
        UdpEdge<SecureDatagramSwitch> port = secure;
        if (port != null) {
            port.runOnEventLoop(port.handler()::startDraining);
        }
    }

    /**
     * The join token of {@code network} as the token files hold it, or empty for a network the secure port does not
     * have: for the management API, so that an operator gets a token without a shell on the switch's machine or pod.
     */
    public Optional<String> joinToken(String network) {
        return tokens.apply(network);
    }

    /** True from the start of a drain until the switch stops. */
    public boolean isDraining() {
        return draining;
    }

    /** True once the secure UDP port is bound and forwarding. */
    public boolean isListening() {
        return secure != null;
    }

    /** The bound secure UDP port; only valid when {@link #isListening()}. */
    public int udpPort() {
        return secure.boundPort();
    }

    /** The address the secure UDP port is bound to, as logs write it ({@code [::]}, {@code 0.0.0.0}); only when listening. */
    public String udpHost() {
        return secure.boundHost();
    }

    /** The bound legacy UDP port, or -1 when it is not open. */
    public int legacyUdpPort() {
        UdpEdge<LegacyDatagramSwitch> port = legacy;
        return port == null ? -1 : port.boundPort();
    }

    /** Sends of the legacy port that carried several datagrams with UDP GSO; 0 when it is not open. */
    public long legacySegmentedSends() {
        UdpEdge<LegacyDatagramSwitch> port = legacy;
        return port == null ? 0 : port.segmentedSends();
    }

    /** The UDP ports' buffer pool, to show what it holds: every read and send buffer should come from its one chunk. */
    public PooledByteBufAllocatorMetric udpBufferPool() {
        return udpBuffers.metric();
    }

    /** The secure port's handshake and drop counters (safe from any thread). */
    public SecureCounters secureCounters() {
        return secure.handler().counters();
    }

    /**
     * Runs {@code query} against a network's switching core on the event loop that owns it, and waits for
     * the answer; this also proves the event loop is answering. The core is null when there is no such network.
     */
    public <T> T inspect(String network, Function<VirtualSwitch<?>, T> query, Duration timeout) throws TimeoutException {
        if (LEGACY_NETWORK.equals(network)) {
            UdpEdge<LegacyDatagramSwitch> port = listening(legacy);
            return onEventLoop(port, () -> query.apply(port.handler().network()), timeout);
        }
        UdpEdge<SecureDatagramSwitch> port = listening(secure);
        return onEventLoop(port, () -> query.apply(port.handler().lan(network)), timeout);
    }

    /** Disconnects a vport's port of a network; false when there is no such port, or it is a trunk. */
    public boolean disconnect(String network, int portId) throws TimeoutException {
        if (LEGACY_NETWORK.equals(network)) {
            UdpEdge<LegacyDatagramSwitch> port = listening(legacy);
            return onEventLoop(port, () -> port.handler().disconnect(portId), INSPECT_TIMEOUT);
        }
        UdpEdge<SecureDatagramSwitch> port = listening(secure);
        return onEventLoop(port, () -> port.handler().disconnect(network, portId), INSPECT_TIMEOUT);
    }

    /** The names of all networks, the legacy one included when its port is open. */
    public List<String> networks() {
        List<String> names = new ArrayList<>(listening(secure).handler().networkNames());
        if (legacy != null) {
            names.add(LEGACY_NETWORK);
        }
        return names;
    }

    /** Runs {@code query} against the secure port on its event loop. */
    public <T> T inspectSecure(Function<SecureDatagramSwitch, T> query, Duration timeout) throws TimeoutException {
        UdpEdge<SecureDatagramSwitch> port = listening(secure);
        return onEventLoop(port, () -> query.apply(port.handler()), timeout);
    }

    private static <P extends UdpEdge<?>> P listening(P port) {
        if (port == null) {
            throw new IllegalStateException("that port of the switch is not listening");
        }
        return port;
    }

    private static <T> T onEventLoop(UdpEdge<?> owner, Supplier<T> query, Duration timeout) throws TimeoutException {
        CompletableFuture<T> answer = new CompletableFuture<>();
        owner.runOnEventLoop(() -> {
            try {
                answer.complete(query.get());
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

    /** Binds a UDP port, or ends start-up saying why and which setting to change. */
    private void deploy(UdpEdge<?> verticle, int port, String portSetting) {
        try {
            vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            String reason = e instanceof TimeoutException ? "no answer within " + START_TIMEOUT.toSeconds() + " s"
                    : StartFailure.osReason(e.getCause());
            throw new StartFailure(StartFailure.EXIT_UDP_BIND, "cannot listen on udp " + config.host() + ":" + port
                    + ": " + reason + "; " + bindHint(reason, portSetting));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailure(StartFailure.EXIT_UDP_BIND, "interrupted while binding udp port " + port);
        }
    }

    private static String bindHint(String reason, String portSetting) {
        if (reason.contains("in use")) {
            return "set " + portSetting + " to a free port, or stop the program that holds this one";
        }
        if (reason.contains("assign requested address") || reason.contains("resolve")) {
            return "set vswitch.host (VSWITCH_HOST) to an address of this machine, or 0.0.0.0 for all";
        }
        if (reason.contains("Permission denied")) {
            return "ports below 1024 need CAP_NET_BIND_SERVICE; set " + portSetting + " above 1023";
        }
        return "check vswitch.host (VSWITCH_HOST) and " + portSetting;
    }

    /** Writes the join tokens now and says where once started, never what: a token holds the network key. */
    private void prepareTokens(SwitchKeys keys, int port) {
        String endpoint = SwitchKeys.endpoint(config, port);
        this.tokens = network -> keys.networks().stream().filter(definition -> definition.name().equals(network))
                .findFirst().map(definition -> keys.token(definition, endpoint));
        Path dir = keys.writeTokens(endpoint);
        for (NetworkDefinition network : keys.networks()) {
            if (dir != null) {
                announcements.add(() -> LOG.infof("join token for network '%s': in %s (mode 0600); on a client: "
                        + "sudo vport connect --token-file FILE", network.name(), dir.resolve(network.name() + ".token")));
            } else {
                announcements.add(() -> LOG.warnf("cannot write the join token for network '%s' under %s: set "
                        + "vswitch.key-dir to a writable directory", network.name(), config.keyDir()));
            }
        }
        TokenEndpoint.loopbackWarning(endpoint, InetAddress::getAllByName)
                .ifPresent(warning -> announcements.add(() -> LOG.warn(warning)));
    }
}
