package dev.vswitch.vport.cli;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.secure.ClientKeyFile;
import dev.vswitch.vport.values.HostPort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vport connect --token-file FILE [HOST:PORT...]} (secure) or {@code vport connect --legacy HOST:PORT} (the
 * seed's plain format): create and configure the TAP, then forward frames until stopped. In the secure protocol
 * several switches (replicas of one switch) may be given, to fail over between them.
 */
@Command(name = "connect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        defaultValueProvider = ConfigFileDefaults.class,
        description = {
            "Joins this machine to the switch's virtual LAN until Ctrl-C or SIGTERM.",
            "Secure protocol (the default way in): give the network's join token with --token-file or --token. Frames are"
                    + " authenticated and encrypted; the switch knows this machine by its own key (--key-file).",
            "Plain format: --legacy HOST:PORT, for the seed's switch or a switch's legacy port. One of the two is required.",
            "Failover (secure protocol): give several replicas of the switch, e.g. 'vport connect --token-file FILE"
                    + " sw1:9999 sw2:9999 sw3:9999' or 'sw1:9999,sw2:9999'. vport uses the first that answers. When the one"
                    + " in use stops answering (a keepalive, then a handshake go unanswered: about 5 s after it died while"
                    + " frames flow, at most --keepalive + 4 s on an idle link), vport moves on to the next, and so on in turn."
                    + " A host name with several addresses counts as one switch per address.",
            "Creates the TAP interface, configures it, and forwards Ethernet frames between it and the switch.",
            "On stop it removes the TAP and prints what it forwarded. Needs root or CAP_NET_ADMIN: as a service, use the"
                    + " systemd unit vport@NAME (share/systemd/ in the download), which runs it as user vport with only that"
                    + " capability; by hand, 'setpriv --reuid=vport --regid=vport --init-groups --inh-caps=+net_admin"
                    + " --ambient-caps=+net_admin vport connect ...'.",
            "Secrets: the join token and the private key are read from files (--token-file, --key-file), so neither needs to"
                    + " be on a command line, where every user could see it."
        })
public class ConnectCommand implements Callable<Integer> {

    static final String MODE_CHOICE = "use --token TOKEN or --token-file FILE for the secure protocol,"
            + " or --legacy HOST:PORT for the plain format of the seed's switch";

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectOptions options;

    @Parameters(arity = "0..*", paramLabel = "HOST:PORT", descriptionKey = ConfigFileDefaults.SWITCH_KEY,
            description = {"The switch: HOST:PORT (an IPv6 address in brackets, like [::1]:9999), or HOST followed by PORT.",
                "With a token: overrides the switch address the token names (e.g. in Kubernetes, where the token names the pod);"
                        + " several (separate arguments, or a comma list HOST:PORT,HOST:PORT) are replicas of one switch,"
                        + " tried in this order (see Failover above).",
                "With --legacy: the one switch, required."})
    List<String> switches = new ArrayList<>();

    @Option(names = ConfigFileDefaults.OPTION, paramLabel = "FILE",
            description = {"Read the settings from FILE, e.g. /etc/vport/lab.conf (the systemd unit vport@lab does): one"
                    + " key=value a line, # for comments, keys named after the long options without dashes, and switch= for"
                    + " the switches (HOST:PORT, comma-separated for several replicas). For example:",
                "  token-file=/etc/vport/lab.token",
                "  switch=sw1.example.net:9999,sw2.example.net:9999",
                "  tap=lab0",
                "  ip=10.1.1.101/24",
                "  mtu=1406",
                "Options on the command line win over the file. A relative path is relative to FILE's folder. The file holds"
                        + " no secret (token= is refused: name the token's file with token-file=); an unknown key is an error."})
    Path config;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File with the network's join token (vsw1.…), e.g. the switch's tokens/NAME.token. Blanks around it are ignored.")
    Path tokenFile;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The network's join token itself. Other users can see it in the process list: prefer --token-file.")
    String token;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = {"This machine's private key (secure protocol). Made on first use (mode 0600), its public key printed"
                    + " for the switch's allowed-clients. Not used when the token carries the client's key.",
                ClientKeyFile.DEFAULT_LINE_ROOT, ClientKeyFile.DEFAULT_LINE_USER})
    Path keyFile;

    @Option(names = "--offload", arity = "0..1", paramLabel = "auto|on|off", defaultValue = "auto", fallbackValue = "on",
            converter = ValueConverters.Offload.class, preprocessor = ValueConverters.OffloadWord.class,
            description = {"The kernel's TCP segmentation offload through the TAP (default: ${DEFAULT-VALUE}). TCP hands vport"
                    + " segments of up to 64 KB; where the path carries them, each goes as one UDP datagram (the underlay"
                    + " carries it as IP fragments): several times the throughput on a LAN or in a data centre.",
                "auto: vport first proves that the path carries such datagrams, with a 64 KB probe the switch echoes, and"
                        + " keeps proving it while the LAN is in use; where it does not (many NATs, firewalls and cloud UDP"
                        + " load balancers drop IP fragments), or stops doing so, vport and the switch cut the segments into"
                        + " path-MTU datagrams instead, within 2 s, and 'vport status' says so.",
                "on (or --offload alone): trust the path without probing. off: no offload, one frame per datagram.",
                "With --legacy, against a switch that echoes no probe (the seed's), auto cuts segments itself."})
    PathProof.Mode offload;

    @Option(names = "--legacy", description = "Speak the seed's plain format (no encryption) to HOST:PORT instead of the secure protocol.")
    boolean legacy;

    @Override
    public Integer call() throws InterruptedException {
        return ConnectRunner.run(settings());
    }

    ConnectSettings settings() {
        boolean secure = token != null || tokenFile != null;
        if (token != null && tokenFile != null) {
            throw usage("give --token or --token-file, not both");
        }
        if (legacy && secure) {
            throw usage("--legacy speaks the plain format, which takes no token: give either --legacy or a token");
        }
        if (legacy && keyFile != null) {
            throw usage("--key-file is for the secure protocol; --legacy uses no keys");
        }
        if (legacy) {
            if (switches.isEmpty()) {
                throw usage("missing switch address: give --legacy HOST:PORT, or --legacy HOST PORT");
            }
            List<HostPort> targets = HostPortArguments.parseList(switches);
            if (targets.size() > 1) {
                throw usage("--legacy takes one switch; failing over between several is for the secure protocol (a token)");
            }
            return options.settings(targets, offload, null);
        }
        if (!secure) {
            throw usage(switches.isEmpty() ? "missing switch: " + MODE_CHOICE
                    : "how to talk to " + String.join(" ", switches) + "? " + MODE_CHOICE);
        }
        JoinToken joinToken = token != null ? TokenArguments.fromText(token) : TokenArguments.fromFile(tokenFile);
        List<HostPort> targets = !switches.isEmpty() ? HostPortArguments.parseList(switches) : TokenArguments.endpoints(joinToken);
        return options.settings(targets, offload, new ConnectSettings.Secure(joinToken, keyFile));
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
