package dev.vswitch.vport.cli;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.link.Endpoints;
import dev.vswitch.vport.link.FrameTrace;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.plain.Vport;
import dev.vswitch.vport.secure.ClientKeyFile;
import dev.vswitch.vport.secure.Handshaker;
import dev.vswitch.vport.secure.SecureLink;
import dev.vswitch.vport.status.StatusDirectory;
import dev.vswitch.vport.status.StatusPublisher;
import dev.vswitch.vport.status.VportStatus;
import dev.vswitch.vport.tap.InterfaceConfigurator;
import dev.vswitch.vport.tap.TapDevice;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Sets a vport up and runs it until Ctrl-C, SIGTERM or a failure. The order is chosen so that cheap checks
 * come first: the switches' names are resolved and the client key loaded before a TAP device exists, and the
 * TAP is configured (MAC while the link is still down) before any frame flows.
 */
final class ConnectRunner {

    private static final Logger LOG = Logger.getLogger(ConnectRunner.class);

    private ConnectRunner() {
    }

    static int run(ConnectSettings settings) throws InterruptedException {
        Instant startedAt = Instant.now();
        Endpoints endpoints = Endpoints.resolve(settings.targets());
        Endpoints.Endpoint first = endpoints.current();
        SecureRandom random = new SecureRandom();
        Handshaker handshaker = settings.secure() == null ? null
                : new Handshaker(settings.secure().token(), clientKey(settings.secure(), random), random, Clock.systemUTC());
        LinkCounters counters = new LinkCounters();
        StopSignal stopSignal = new StopSignal();
        VportException failure;
        try (TapDevice tap = TapDevice.create(settings.tapName(), settings.offload() != PathProof.Mode.OFF)) {
            long tapMac = configure(tap.name(), settings);
            FrameTrace trace = settings.verbose() ? new FrameTrace(System.out) : null;
            VportStatus.Identity identity = VportStatus.Identity.ofThisProcess(tap.name(),
                    handshaker == null ? VportStatus.Mode.LEGACY : VportStatus.Mode.SECURE, first.target(),
                    handshaker == null ? null : settings.secure().token().network(), startedAt);
            try (ShutdownSignals signals = ShutdownSignals.install(stopSignal::stop);
                    SwitchLink link = SwitchLink.connect(first.address(), counters)) {
                if (handshaker == null) {
                    Vport.Settings vportSettings = new Vport.Settings(first.target(), settings.mtu(), settings.keepalive(), settings.deadAfter(),
                            settings.offload());
                    try (Vport vport = new Vport(tap, link, counters, vportSettings, tapMac, trace, stopSignal)) {
                        LOG.info(startupLine(tap.name(), tapMac, settings, endpoints));
                        vport.start();
                        failure = runUntilStopped(vport, identity, counters, settings, stopSignal);
                    }
                } else {
                    SecureLink.Settings secureSettings = new SecureLink.Settings(endpoints, settings.secure().token().network(),
                            settings.mtu(), settings.keepalive(), settings.deadAfter(), settings.giveUpAfter(), settings.offload(),
                            tap.name());
                    try (SecureLink secure = new SecureLink(tap, link, counters, secureSettings, handshaker, tapMac, trace, stopSignal)) {
                        LOG.info(startupLine(tap.name(), tapMac, settings, endpoints));
                        secure.start();
                        failure = runUntilStopped(secure, identity, counters, settings, stopSignal);
                    }
                }
            }
        }
        LOG.info("vport: stopped; " + counters.summary());
        if (failure != null) {
            throw failure;
        }
        return 0;
    }

    /** Publishes the status for 'vport status' until stopped; the status file goes before the link does. */
    private static VportException runUntilStopped(LinkState.Source link, VportStatus.Identity identity, LinkCounters counters,
            ConnectSettings settings, StopSignal stopSignal) throws InterruptedException {
        try (StatusPublisher status = StatusPublisher.start(new StatusDirectory(settings.statusDir()), identity, link, counters)) {
            return stopSignal.await();
        }
    }

    /** The token's client key if it carries one, else the key file's (made on first use, its public key shown once). */
    private static byte[] clientKey(ConnectSettings.Secure secure, SecureRandom random) {
        if (secure.token().clientPrivateKey() != null) {
            if (secure.keyFile() != null) {
                LOG.infof("vport: the join token carries this machine's key; %s is not used", secure.keyFile());
            }
            return secure.token().clientPrivateKey();
        }
        Path file = secure.keyFile() != null ? secure.keyFile() : ClientKeyFile.defaultPath();
        ClientKeyFile.Loaded loaded = ClientKeyFile.loadOrCreate(file, random);
        if (loaded.created()) {
            LOG.infof("vport: new client key, public key %s (add it to the network's allowed-clients to admit this machine)",
                    loaded.publicKey());
        } else if (ClientKeyFile.isExposed(file)) {
            LOG.warnf("vport: key file %s can be read by other users: chmod 600 it", file);
        }
        return loaded.privateKey();
    }

    /** Applies MAC, MTU and address, brings the link up, and returns the MAC the TAP ended up with. */
    private static long configure(String tapName, ConnectSettings settings) {
        try (InterfaceConfigurator config = InterfaceConfigurator.forInterface(tapName)) {
            if (settings.mac() != null) {
                config.setHardwareAddress(settings.mac());
            }
            config.setMtu(settings.mtu());
            if (settings.ip() != null) {
                config.setIpv4(settings.ip());
            }
            config.bringUp();
            return config.hardwareAddress();
        }
    }

    /**
     * e.g. {@code vport: tapyuan (02:..) mtu 1406 up, 198.19.0.1/24 -> switch 127.0.0.1:9999 (network lab)}; in the
     * plain format without the network. With several switches, those to fail over to follow:
     * {@code ... -> switch 198.18.1.1:9999 (network lab), failover to 198.18.1.1:10000, 198.18.1.1:10001}.
     */
    static String startupLine(String tapName, long tapMac, ConnectSettings settings, Endpoints endpoints) {
        String network = settings.secure() == null ? "" : " (network " + settings.secure().token().network() + ")";
        String failover = !endpoints.several() ? "" : ", failover to " + endpoints.all().stream().skip(1)
                .map(Endpoints.Endpoint::toString).collect(Collectors.joining(", "));
        return "vport: " + tapName + " (" + MacAddress.format(tapMac) + ") mtu " + settings.mtu() + " up, "
                + (settings.ip() == null ? "no IPv4 address" : settings.ip()) + " -> switch " + endpoints.current() + network + failover;
    }
}
