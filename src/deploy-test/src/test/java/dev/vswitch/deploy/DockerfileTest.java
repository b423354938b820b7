package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image definitions, read as text (no Docker engine here to build them): Quarkus' layout, a non-root user,
 * the switch's ports, and base images named without a registry host, as the chart's and the base's images are.
 */
class DockerfileTest {

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void imageRunsAsNonRootWithTheSwitchsPortsAndNoRegistryHost(String name) throws IOException {
        List<String[]> instructions = instructions(name);
        Map<String, String> args = new HashMap<>();
        List<String> from = new ArrayList<>();
        String user = null;
        List<String> exposed = new ArrayList<>();
        for (String[] instruction : instructions) {
            switch (instruction[0]) {
                case "ARG" -> {
                    String[] kv = instruction[1].split("=", 2);
                    args.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                case "FROM" -> from.add(expand(instruction[1].split("\\s+")[0], args));
                case "USER" -> user = instruction[1];
                case "EXPOSE" -> exposed.addAll(List.of(instruction[1].split("\\s+")));
                default -> { }
            }
        }
        assertEquals(1, from.size(), name + ": one stage");
        assertNoRegistryHost(from.get(0), name + " FROM");
        assertTrue(user != null && user.matches("[1-9][0-9]*(:[1-9][0-9]*)?"), name + ": numeric non-root USER, so runAsNonRoot can check it: " + user);
        assertEquals("10001:10001", user, name + ": the chart's runAsUser and runAsGroup");
        assertTrue(exposed.contains("9999/udp"), name + " exposes 9999/udp");
        assertTrue(exposed.contains("8080/tcp"), name + " exposes 8080/tcp");
        String text = Files.readString(Repo.docker().resolve(name));
        assertTrue(text.contains("docker build -f src/main/docker/" + name), name + " documents its build command");
        assertTrue(text.contains("/var/lib/vswitch"), name + " has the chart's key directory");
    }

    @Test
    void jvmImageCopiesTheFastJarLayout() throws IOException {
        List<String> copies = new ArrayList<>();
        String entrypoint = null;
        for (String[] instruction : instructions("Dockerfile.jvm")) {
            if ("COPY".equals(instruction[0])) {
                copies.add(instruction[1]);
            } else if ("ENTRYPOINT".equals(instruction[0])) {
                entrypoint = instruction[1];
            }
        }
        assertEquals(List.of("target/quarkus-app/lib/ /deployments/lib/", "target/quarkus-app/*.jar /deployments/",
                "target/quarkus-app/app/ /deployments/app/", "target/quarkus-app/quarkus/ /deployments/quarkus/"), copies);
        assertEquals("[\"java\", \"-jar\", \"/deployments/quarkus-run.jar\"]", entrypoint);
    }

    @Test
    void nativeImageCopiesTheRunner() throws IOException {
        List<String> copies = new ArrayList<>();
        for (String[] instruction : instructions("Dockerfile.native")) {
            if ("COPY".equals(instruction[0])) {
                copies.add(instruction[1]);
            }
        }
        assertEquals(List.of("--chmod=0755 target/*-runner /work/application"), copies);
    }

    @Test
    void chartAndBaseNameTheirImageWithoutARegistryHost() throws IOException {
        JsonNode values = Chart.parse(Files.readString(Repo.chart().resolve("values.yaml"))).get(0);
        assertEquals("", values.path("image").path("registry").asText(), "no registry by default");
        assertNoRegistryHost(values.path("image").path("repository").asText(), "values.yaml image.repository");
        JsonNode deployment = Chart.parse(Files.readString(Repo.k8s().resolve("deployment.yaml"))).get(0);
        String image = deployment.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText();
        assertNoRegistryHost(image, "k8s/deployment.yaml");
        assertEquals("vswitch/switch:0.1.0", image);
    }

    /** The first path component of an image reference is a registry host when it has a dot or a port, or is localhost. */
    private static void assertNoRegistryHost(String image, String where) {
        assertFalse(image.isBlank(), where);
        String first = image.split("/", 2)[0];
        boolean hasHost = image.contains("/") && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        assertFalse(hasHost, where + ": '" + image + "' names a registry host");
    }

    private static String expand(String text, Map<String, String> args) {
        Matcher matcher = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Instructions as {keyword, rest}, with comments dropped and continuation lines joined. */
    private static List<String[]> instructions(String name) throws IOException {
        List<String[]> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Repo.docker().resolve(name))) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String[] parts = current.toString().split("\\s+", 2);
            instructions.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""});
            current.setLength(0);
        }
        return instructions;
    }
}
