package dev.vswitch.vport.tap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JNI configuration a native image build reads (no GraalVM runs here, so nothing else would notice when it
 * rots): every class it names must exist, every method it names must be declared, and LibC's native methods,
 * which JNA binds by JNI RegisterNatives, must be covered.
 */
class NativeImageConfigTest {

    private static final String CONFIG = "/META-INF/native-image/dev.vswitch/vswitch-vport/jni-config.json";
    private static final Pattern ENTRY = Pattern.compile("^\\s*\\{\"name\": \"([^\"]+)\"(.*)}", Pattern.MULTILINE);
    private static final Pattern METHOD = Pattern.compile("\\{\"name\": \"([^\"]+)\", \"parameterTypes\"");

    @Test
    void everyClassAndMethodNamedExists() throws Exception {
        List<String[]> entries = entries();
        assertFalse(entries.isEmpty(), "no entries in " + CONFIG);
        for (String[] entry : entries) {
            Class<?> type = Class.forName(entry[0], false, getClass().getClassLoader());
            Matcher method = METHOD.matcher(entry[1]);
            while (method.find()) {
                String name = method.group(1);
                List<? extends Executable> declared = name.equals("<init>")
                        ? Arrays.asList(type.getDeclaredConstructors())
                        : Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name)).toList();
                assertFalse(declared.isEmpty(), entry[0] + " declares no " + name);
            }
        }
    }

    /** The TAP's libc binding and the UDP socket's, both registered with {@code Native.register}. */
    @Test
    void libcNativeMethodsAreRegisteredForJni() throws Exception {
        for (Class<?> binding : List.of(LibC.class, Class.forName("dev.vswitch.vport.udp.SocketLibC"))) {
            assertTrue(entries().stream().anyMatch(entry -> entry[0].equals(binding.getName())
                    && entry[1].contains("\"allDeclaredMethods\": true")), binding.getSimpleName() + " must be in " + CONFIG);
            assertTrue(Arrays.stream(binding.getDeclaredMethods()).anyMatch(m -> Modifier.isNative(m.getModifiers())));
        }
    }

    private static List<String[]> entries() throws IOException {
        try (InputStream in = NativeImageConfigTest.class.getResourceAsStream(CONFIG)) {
            assertTrue(in != null, CONFIG + " is not on the class path");
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return ENTRY.matcher(json).results().map(m -> new String[] {m.group(1), m.group(2)}).toList();
        }
    }
}
