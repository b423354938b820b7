package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the packaged vport (the fast-jar that failsafe passes as {@code vport.jar}) and the test hub. */
final class Vports {

    private Vports() {
    }

    /** {@code java -jar quarkus-run.jar ARGS...}, after an optional wrapper such as setpriv. */
    static List<String> vport(List<String> wrapper, String... args) {
        String jar = System.getProperty("vport.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)),
                "system property vport.jar must name the packaged quarkus-run.jar (run with 'mvn verify'): " + jar);
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(java(), "-jar", jar));
        command.addAll(List.of(args));
        return command;
    }

    static List<String> vport(String... args) {
        return vport(List.of(), args);
    }

    /** The test hub, from this JVM's own class path, ending by itself after {@code lifetimeSeconds}. */
    static List<String> hub(int port, int lifetimeSeconds) {
        return List.of(java(), "-cp", System.getProperty("java.class.path"), TestHub.class.getName(),
                Integer.toString(port), Integer.toString(lifetimeSeconds));
    }

    /**
     * The secure test switch ({@code dev.vswitch.vport.secure.UdpTestSwitch}), keeping its keys and writing the
     * token of {@code network} in {@code keyDir}, ending by itself after {@code lifetimeSeconds}.
     */
    static List<String> secureSwitch(int port, int lifetimeSeconds, Path keyDir, String network) {
        return List.of(java(), "-cp", System.getProperty("java.class.path"), "dev.vswitch.vport.secure.UdpTestSwitch",
                Integer.toString(port), Integer.toString(lifetimeSeconds), keyDir.toString(), network);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
