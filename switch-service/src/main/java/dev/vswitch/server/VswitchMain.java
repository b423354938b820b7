package dev.vswitch.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The switch's entry point. {@code --help} and {@code --version} answer and exit before anything starts, so
 * asking what the program does never binds a port or writes a key folder. {@code -Dname=value} arguments are
 * settings, as before {@code -jar}. Anything else is refused with exit code 2. A start-up failure is printed as
 * one line (see {@link StartFailure}) and ends the process with its own exit code.
 */
@QuarkusMain
public final class VswitchMain {

    private static final String USAGE_RESOURCE = "/dev/vswitch/server/usage.txt";

    private VswitchMain() {
    }

    public static void main(String... args) {
        Launch launch = Launch.parse(args);
        switch (launch.action()) {
            case HELP -> exit(System.out, usage(), 0);
            case VERSION -> exit(System.out, "vswitch " + version(), 0);
            case REFUSE -> exit(System.err, "vswitch: " + launch.error() + " (vswitch --help lists the settings)",
                    StartFailure.EXIT_USAGE);
            case RUN -> {
                launch.settings().forEach(System::setProperty);
                Quarkus.run(null, VswitchMain::exitAfterRun);
            }
        }
    }

    /** What the command line asks for: help, the version, a refusal with its reason, or a run with settings. */
    record Launch(Action action, String error, Map<String, String> settings) {

        enum Action { HELP, VERSION, REFUSE, RUN }

        static Launch parse(String... args) {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String arg : args) {
                if (arg.equals("-h") || arg.equals("--help")) {
                    return new Launch(Action.HELP, null, Map.of());
                }
                if (arg.equals("-V") || arg.equals("--version")) {
                    return new Launch(Action.VERSION, null, Map.of());
                }
                int equals = arg.indexOf('=');
                if (!arg.startsWith("-D") || equals < 3) {
                    return new Launch(Action.REFUSE, "unknown argument '" + arg + "'", Map.of());
                }
                settings.put(arg.substring(2, equals), arg.substring(equals + 1));
            }
            return new Launch(Action.RUN, null, settings);
        }
    }

    static String usage() {
        try (InputStream in = VswitchMain.class.getResourceAsStream(USAGE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(USAGE_RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing()
                    .replace("@VERSION@", version());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version from the jar's manifest, else from Maven's pom.properties, else "unknown" (a bare classes folder). */
    static String version() {
        String fromManifest = VswitchMain.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = VswitchMain.class.getResourceAsStream(
                "/META-INF/maven/dev.vswitch/vswitch-switch-service/pom.properties")) {
            if (in != null) {
                Properties pom = new Properties();
                pom.load(in);
                return pom.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** Called by Quarkus when the application ends: normally, or because it could not start. */
    private static void exitAfterRun(int exitCode, Throwable failure) {
        Optional<StartFailure> explained = failure == null ? Optional.empty() : StartFailure.explain(failure);
        if (explained.isPresent()) {
            StartFailure why = explained.get();
            String message = why.exitCode() == StartFailure.EXIT_HTTP_BIND ? withHttpAddress(why.getMessage()) : why.getMessage();
            exit(System.err, "vswitch: " + message, why.exitCode());
        }
        System.exit(exitCode);
    }

    /** Names the HTTP address the failure was about, when the configuration can still be read. */
    private static String withHttpAddress(String message) {
        try {
            var config = ConfigProvider.getConfig();
            String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
            int port = config.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
            return message.replace("the HTTP port", "http " + host + ":" + port);
        } catch (RuntimeException e) {
            return message;
        }
    }

    private static void exit(PrintStream stream, String text, int exitCode) {
        stream.println(text);
        stream.flush();
        System.exit(exitCode);
    }
}
