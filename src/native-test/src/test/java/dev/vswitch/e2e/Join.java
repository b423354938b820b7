package dev.vswitch.e2e;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How a vport joins the switch. The secure way, as users run it: {@code --token-file} with the join token the switch
 * wrote for a network, and the host's own {@code --key-file}. Or {@code --legacy}, the seed's plain format on the
 * switch's legacy port. Either way the vport is told where to send ({@code HOST:PORT}): the switch's address on the
 * host's own link, because the token names the switch's host name, which means nothing inside the namespaces; or,
 * with {@link #via}, another address, such as a relay's; or, with {@link #replicas}, the addresses of several
 * replicas of the switch, in the order the vport is to try them.
 *
 * @param network  the network whose token the switch wrote, when {@code token} is null and not legacy
 * @param token    a token file the test made itself (say, with a wrong network key), or null
 * @param legacy   whether to speak the seed's plain format instead
 * @param via      HOST:PORT to send to instead of the switch's own address, or null
 * @param replicas the replicas (1-based) to give the vport, first the one to join; empty: the switch (replica 1)
 * @param offload  the vport's {@code --offload=MODE} (auto, on, off), or null for its default (auto)
 */
record Join(String network, Path token, boolean legacy, String via, List<Integer> replicas, String offload) {

    Join {
        replicas = List.copyOf(replicas);
    }

    /** The switch's own token for {@code network}. */
    static Join network(String network) {
        return new Join(network, null, false, null, List.of(), null);
    }

    /** A token file the test wrote. */
    static Join withToken(Path token) {
        return new Join(null, token, false, null, List.of(), null);
    }

    /** The seed's plain format, to the switch's legacy port. */
    static Join legacyPort() {
        return new Join(null, null, true, null, List.of(), null);
    }

    /** This join, but sending to {@code hostPort} (a relay) instead of to the switch's address. */
    Join via(String hostPort) {
        return new Join(network, token, legacy, hostPort, replicas, offload);
    }

    /** This join, to these replicas of the switch: the vport joins the first and fails over to the others in order. */
    Join onReplicas(Integer... order) {
        return new Join(network, token, legacy, via, Arrays.asList(order), offload);
    }

    /** This join, with TCP segmentation offload carried to the switch whatever the path ({@code vport --offload}). */
    Join withOffload() {
        return withOffload("on");
    }

    /** This join, with {@code vport --offload=MODE}. */
    Join withOffload(String mode) {
        return new Join(network, token, legacy, via, replicas, mode);
    }
}
