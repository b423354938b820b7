package dev.vswitch.server.legacy;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.switching.ForwardingDecision;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;

/** The per-frame log of trace mode, in the spirit of the seed's vswitch.py output. */
final class FrameTrace {

    private static final Logger LOG = Logger.getLogger("dev.vswitch.trace");

    private FrameTrace() {
    }

    static void frame(InetSocketAddress from, int length, long destination, long source, int etherType,
                      ForwardingDecision<InetSocketAddress> decision) {
        String outcome = switch (decision.action()) {
            case UNICAST -> "unicast to " + decision.egress();
            case FLOOD -> "flood (" + decision.kind().label() + ")";
            case DROP -> "drop (" + decision.dropReason().label() + ")";
        };
        LOG.infof("from %s src<%s> dst<%s> type<%04x> size<%d>: %s", AddressText.endpoint(from), MacAddress.format(source),
                MacAddress.format(destination), etherType, length, outcome);
    }

    static void keepalive(InetSocketAddress from, long source) {
        LOG.infof("from %s keepalive src<%s>", AddressText.endpoint(from), MacAddress.format(source));
    }
}
