package dev.vswitch.vport.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The native image configuration, as far as a JVM can check it (no GraalVM runs in CI, so nothing else would notice
 * when it rots): what it names exists; every class JNA's native library looks up through JNI is registered for JNI
 * (a missing one stops JNA at start-up: "JNA: Problems loading core IDs: java.lang.Object"); every {@link Library}
 * interface of the vport is a registered proxy, in a package that starts at run time; and the JNA on the class path
 * is a version GraalVM's metadata for it was tested with.
 */
class NativeImageConfigTest {

    private static final List<String> CONFIGS = List.of(
            "/META-INF/native-image/dev.vswitch/vswitch-vport/reachability-metadata.json",
            "/META-INF/native-image/net.java.dev.jna/jna/reachability-metadata.json");
    /** The JNA versions the copied metadata (graalvm-reachability-metadata 1.1.12) lists as tested. */
    private static final Set<String> TESTED_JNA_VERSIONS = Set.of("5.8.0", "5.9.0", "5.10.0", "5.11.0", "5.12.0",
            "5.12.1", "5.13.0", "5.14.0", "5.15.0", "5.16.0", "5.17.0", "5.18.0", "5.18.1", "5.19.0", "5.19.1");
    /** The libjnidispatch builds the native image takes (application.properties' quarkus.native.resources.includes). */
    private static final List<String> DISPATCH_LIBRARIES = List.of(
            "/com/sun/jna/linux-x86-64/libjnidispatch.so", "/com/sun/jna/linux-aarch64/libjnidispatch.so");
    /** A class name as libjnidispatch passes it to FindClass: a NUL-terminated string in its read-only data. */
    private static final Pattern JNI_CLASS_NAME = Pattern.compile("(?<=\0)((?:java|com/sun/jna)/[A-Za-z0-9_/$]+)(?=\0)");
    private static final Pattern RUN_TIME_PACKAGES = Pattern.compile("--initialize-at-run-time=([^\\s]+)");

    @Test
    void everyTypeMethodAndFieldNamedExists() throws Exception {
        List<JsonNode> entries = entries();
        assertTrue(entries.size() > 40, "too few entries: " + entries.size());
        for (JsonNode entry : entries) {
            JsonNode type = entry.get("type");
            if (type.isObject()) {
                for (JsonNode proxied : type.get("proxy")) {
                    assertTrue(load(proxied.asText()).isInterface(), proxied + " is not an interface");
                }
                continue;
            }
            Class<?> declaring = load(type.asText());
            if (declaring.getName().startsWith("sun.")) {
                continue; // JDK internals: the JDK that builds the image (25) need not match the one running this test
            }
            for (JsonNode method : entry.path("methods")) {
                Class<?>[] parameters = StreamSupport.stream(method.get("parameterTypes").spliterator(), false)
                        .map(parameter -> load(parameter.asText())).toArray(Class<?>[]::new);
                String name = method.get("name").asText();
                if (name.equals("<init>")) {
                    declaring.getDeclaredConstructor(parameters);
                } else {
                    declaring.getDeclaredMethod(name, parameters);
                }
            }
            for (JsonNode field : entry.path("fields")) {
                declaring.getDeclaredField(field.get("name").asText());
            }
        }
    }

    @Test
    void everyClassLibjnidispatchLooksUpIsRegisteredForJni() throws Exception {
        Set<String> registered = entries().stream()
                .filter(entry -> entry.path("jniAccessible").asBoolean() && entry.get("type").isTextual())
                .map(entry -> entry.get("type").asText())
                .collect(Collectors.toSet());
        for (String library : DISPATCH_LIBRARIES) {
            Set<String> lookedUp = jniClassNames(library);
            assertTrue(lookedUp.containsAll(Set.of("java.lang.Object", "java.lang.String", "com.sun.jna.Pointer")),
                    "the scan of " + library + " found too little: " + lookedUp);
            Set<String> missing = new TreeSet<>(lookedUp);
            missing.removeAll(registered);
            assertEquals(Set.of(), missing, "classes " + library + " finds through JNI but no configuration registers for JNI");
        }
    }

    @Test
    void everyLibraryInterfaceIsARegisteredProxyInAPackageThatStartsAtRunTime() throws Exception {
        Set<String> bindings = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vswitch.vport").stream()
                .filter(type -> type.isInterface() && type.isAssignableTo(Library.class))
                .map(JavaClass::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(LibC.class.getName(), "dev.vswitch.vport.udp.SocketLibC"), bindings);

        Set<String> proxies = entries().stream()
                .filter(entry -> entry.get("type").has("proxy"))
                .map(entry -> entry.get("type").get("proxy"))
                .peek(interfaces -> assertEquals(1, interfaces.size(), "JNA proxies one interface: " + interfaces))
                .map(interfaces -> interfaces.get(0).asText())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(bindings, proxies, "the proxies Native.load creates");

        Set<String> runTime = runTimeInitialized();
        for (String binding : bindings) {
            String packageName = binding.substring(0, binding.lastIndexOf('.'));
            assertTrue(runTime.contains(packageName), binding + " chooses its mapping in its static initialiser, which must run"
                    + " in the image, not in the builder: add " + packageName + " to --initialize-at-run-time (" + runTime + ")");
        }
    }

    @Test
    void theJnaOnTheClassPathIsOneTheCopiedMetadataWasTestedWith() {
        assertTrue(TESTED_JNA_VERSIONS.contains(Native.VERSION), "JNA " + Native.VERSION
                + ": update META-INF/native-image/net.java.dev.jna/jna/ from a newer graalvm-reachability-metadata (see its NOTICE.md)");
    }

    static Set<String> jniClassNames(String library) throws IOException {
        try (InputStream in = NativeImageConfigTest.class.getResourceAsStream(library)) {
            assertTrue(in != null, library + " is not on the class path");
            Matcher names = JNI_CLASS_NAME.matcher(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            Set<String> found = new TreeSet<>();
            while (names.find()) {
                found.add(names.group(1).replace('/', '.'));
            }
            return found;
        }
    }

    private static Set<String> runTimeInitialized() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = NativeImageConfigTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        Matcher arguments = RUN_TIME_PACKAGES.matcher(properties.getProperty("quarkus.native.additional-build-args", ""));
        assertTrue(arguments.find(), "no --initialize-at-run-time in quarkus.native.additional-build-args");
        return Set.copyOf(Arrays.asList(arguments.group(1).split("\\\\?,")));
    }

    private static List<JsonNode> entries() throws IOException {
        List<JsonNode> entries = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String config : CONFIGS) {
            try (InputStream in = NativeImageConfigTest.class.getResourceAsStream(config)) {
                assertTrue(in != null, config + " is not on the class path");
                JsonNode reflection = json.readTree(in).get("reflection");
                assertFalse(reflection == null || reflection.isEmpty(), "no reflection entries in " + config);
                reflection.forEach(entries::add);
            }
        }
        return entries;
    }

    private static Class<?> load(String name) {
        if (name.endsWith("[]")) {
            return Array.newInstance(load(name.substring(0, name.length() - 2)), 0).getClass();
        }
        return switch (name) {
            case "boolean" -> boolean.class;
            case "byte" -> byte.class;
            case "char" -> char.class;
            case "short" -> short.class;
            case "int" -> int.class;
            case "long" -> long.class;
            case "float" -> float.class;
            case "double" -> double.class;
            default -> {
                try {
                    yield Class.forName(name, false, NativeImageConfigTest.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new AssertionError("the configuration names " + name + ", which is not on the class path", e);
                }
            }
        };
    }
}
