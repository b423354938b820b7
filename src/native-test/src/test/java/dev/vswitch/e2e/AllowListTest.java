package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.vswitch.e2e.SwitchSetup.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A network with {@code allowed-clients} admits only those client keys, even to a vport that holds the network's
 * valid token. h1 and h3 made their keys with {@code vport keygen} and are on the list; h2, whose vport made its own
 * key, holds the same token but is not.
 */
class AllowListTest {

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void onlyAllowListedClientKeysJoinEvenWithTheNetworksToken() {
        Topology net = lab.topology(3);
        Host h1 = net.host(1);
        Host outsider = net.host(2);
        Host h3 = net.host(3);
        String h1Key = net.clientPublicKey(h1);
        String h3Key = net.clientPublicKey(h3);
        net.startSwitch(SwitchSetup.withNetworks(Network.named("closed").allowing(h1Key, h3Key)));
        net.startVport(h1);
        net.startVport(h3);
        Proc refused = net.startVportWithoutLink(outsider, Join.network("closed"));

        h1.ping(h3.overlayIp(), 3).orFail();
        h3.ping(h1.overlayIp(), 3).orFail();
        Command.Result in = outsider.ping(h1.overlayIp(), 3);
        Command.Result out = h1.ping(outsider.overlayIp(), 3);

        String outsiderKey = net.clientPublicKey(outsider);
        System.out.println("allow-list: admitted " + h1Key + " and " + h3Key + "; refused " + outsiderKey);
        assertNotEquals(h1Key, outsiderKey, "the outsider's vport did not make a key of its own");
        assertFalse(in.succeeded(), "a client key not on the allow-list reached a member: " + in);
        assertFalse(out.succeeded(), "a member reached a client key not on the allow-list: " + out);
        assertFalse(refused.log().contains("connected to "), refused + " says it connected:\n" + refused.log());
    }
}
