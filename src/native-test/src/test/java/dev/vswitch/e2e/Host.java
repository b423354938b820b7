package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;

import org.awaitility.core.ConditionTimeoutException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host number {@code index} (1-based) of a {@link Topology}: its namespace and its addresses. The underlay is the veth
 * link to the switch's namespace, 198.18.N.0/24; the overlay is the virtual LAN the vports make, 198.19.0.0/24. A host
 * behind a NAT ({@link Topology#putBehindNat}) sits on a private link, 198.19.(100+N).0/24, behind the namespace {@code
 * nat} that holds the underlay link. All lie in 198.18.0.0/15, the range reserved for benchmarking, and exist only inside
 * our namespaces.
 *
 * @param nat    the namespace of the NAT router in front of it, or null
 * @param uplink the number of the underlay link it reaches the switch by: its own, or that of the host whose NAT it
 *               sits behind ({@link Topology#putBehindNatOf})
 */
record Host(int index, Netns ns, Netns nat, int uplink) {

    Host(int index, Netns ns) {
        this(index, ns, null, index);
    }

    /** The veth in the host's namespace that leads to the switch's namespace. */
    static final String UPLINK = "to-sw";
    private static final String OVERLAY_BROADCAST = "198.19.0.255";
    private static final Pattern PING_SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** This host's underlay address; behind a NAT, the NAT's public address, where the switch sees the host. */
    String underlayIp() {
        return "198.18." + uplink + ".2";
    }

    /** The address this host has itself: behind a NAT, its private one; else its underlay address. */
    String ownIp() {
        return nat == null ? underlayIp() : privatePrefix() + ".2";
    }

    /** The first three bytes of the private link behind a NAT. */
    String privatePrefix() {
        return "198.19." + (100 + index);
    }

    /** The switch's address on this host's underlay link. */
    String switchIp() {
        return "198.18." + uplink + ".1";
    }

    /** The veth in the switch's namespace that leads to this host. */
    String switchSideLink() {
        return "to-h" + uplink;
    }

    String overlayIp() {
        return "198.19.0." + index;
    }

    String tap() {
        return "tap" + index;
    }

    /** {@code ping -c count} from this host, 0.2 s apart, each reply awaited for at most 2 s. */
    Command.Result ping(String target, int count) {
        return ping(target, count, 2);
    }

    /** {@code ping -c count} from this host, 0.2 s apart, each reply awaited for at most {@code waitSeconds}. */
    Command.Result ping(String target, int count, int waitSeconds) {
        return ns.run(Duration.ofSeconds(3L + count + waitSeconds),
                "ping", "-c", String.valueOf(count), "-i", "0.2", "-W", String.valueOf(waitSeconds), target);
    }

    /** Turns IPv6 off for links created from now on, so a new TAP sends nothing (no DAD, MLD or RS) by itself. */
    void disableIpv6() {
        ns.check("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    }

    /**
     * {@code ping -b -c count} to the overlay's broadcast address: each echo request goes to every host of the LAN
     * (ff:ff:ff:ff:ff:ff). Hosts ignore echo to broadcast by default, so no reply is expected and the exit code
     * says nothing; the frames are what counts.
     */
    Command.Result broadcastPing(int count) {
        return ns.run(Duration.ofSeconds(5 + count), "ping", "-b", "-c", String.valueOf(count), "-i", "0.2",
                "-w", String.valueOf(1 + count), OVERLAY_BROADCAST);
    }

    /** How many echo replies a {@link #ping} got, from its summary line ("N packets transmitted, M received"). */
    static int repliesOf(Command.Result ping) {
        Matcher summary = PING_SUMMARY.matcher(ping.output());
        if (!summary.find()) {
            throw new AssertionError("no summary line in " + ping);
        }
        return Integer.parseInt(summary.group(2));
    }

    /** How many packets the kernel has sent out of this host's TAP, i.e. handed to its vport. */
    long tapTxPackets() {
        return tapStatistics().path("tx").path("packets").asLong();
    }

    /** How many bytes this host's TAP has received: what its vport wrote into it, joined into super-frames or not. */
    long tapRxBytes() {
        return tapStatistics().path("rx").path("bytes").asLong();
    }

    /** How many packets this host's TAP has received, i.e. frames its vport wrote into it from the switch. */
    long tapRxPackets() {
        return tapStatistics().path("rx").path("packets").asLong();
    }

    /**
     * Waits until frames stop arriving at this host's TAP (its receive counter stays put for 200 ms), so that what a
     * test sent through the switch has all landed before it is counted.
     */
    void awaitQuietTap() {
        AtomicLong last = new AtomicLong(-1);
        await(this + "'s " + tap() + " to stop receiving").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    long now = tapRxPackets();
                    return last.getAndSet(now) == now;
                });
    }

    /** The MAC address of this host's TAP. */
    String tapMac() {
        return json(ns.check("ip", "-j", "link", "show", "dev", tap())).path(0).path("address").asText();
    }

    /**
     * Tells this host the MAC of each of {@code others}' overlay addresses for good (a permanent neighbour entry), so
     * that it never sends an ARP request or probe for them: its TAP then sends only what a test makes it send.
     */
    void knowNeighbours(List<Host> others) {
        for (Host other : others) {
            if (other != this) {
                ns.check("ip", "neigh", "replace", other.overlayIp(), "lladdr", other.tapMac(), "dev", tap(), "nud", "permanent");
            }
        }
    }

    private JsonNode tapStatistics() {
        return json(ns.check("ip", "-j", "-s", "link", "show", "dev", tap())).path(0).path("stats64");
    }

    /**
     * Waits for the TAP's IPv6 link-local address to pass duplicate address detection and returns it: until then
     * the address is tentative and the kernel will not use it as a source.
     */
    String awaitLinkLocalAddress(Duration timeout) {
        try {
            return await(this + "'s " + tap() + " to get a link-local IPv6 address past DAD").atMost(timeout)
                    .until(this::linkLocalAddress, Optional::isPresent).get();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; " + ns.run(Netns.COMMAND_TIMEOUT, "ip", "-6", "address"), e);
        }
    }

    private Optional<String> linkLocalAddress() {
        String shown = ns.check("ip", "-j", "-6", "address", "show", "dev", tap(), "scope", "link", "-tentative");
        for (JsonNode address : json(shown).path(0).path("addr_info")) {
            if ("inet6".equals(address.path("family").asText())) {
                return Optional.of(address.path("local").asText());
            }
        }
        return Optional.empty();
    }

    /** Whether a program in this host listens on TCP {@code port}. */
    boolean listensOnTcp(int port) {
        return !ns.check("ss", "-H", "-l", "-t", "-n", "sport", "=", ":" + port).isBlank();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("ip printed no JSON: " + text, e);
        }
    }

    @Override
    public String toString() {
        return ns.toString();
    }
}
