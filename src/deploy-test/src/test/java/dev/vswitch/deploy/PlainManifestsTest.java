package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.kustomize.v1beta1.Kustomization;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** k8s/: the kustomize base for users without Helm, equivalent to the chart's defaults. */
class PlainManifestsTest {

    @Test
    void kustomizationListsExactlyTheManifestsPresent() throws IOException {
        Kustomization kustomization = KubernetesModels.kustomization(yaml(Repo.k8s().resolve("kustomization.yaml")).get(0));
        assertEquals("kustomize.config.k8s.io/v1beta1", kustomization.getApiVersion());
        assertEquals("Kustomization", kustomization.getKind());
        TreeSet<String> listed = new TreeSet<>(kustomization.getResources());
        assertEquals(kustomization.getResources().size(), listed.size(), "no resource listed twice");
        TreeSet<String> present;
        try (Stream<Path> files = Files.list(Repo.k8s())) {
            present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(present, listed, "kustomization.yaml's resources are the YAML files of k8s/");
    }

    @Test
    void everyManifestMatchesTheApiAndTheyFitTogether() throws IOException {
        Manifests manifests = Manifests.validate(baseDocuments(), null);
        assertEquals("LoadBalancer", manifests.named(io.fabric8.kubernetes.api.model.Service.class, "vswitch").getSpec().getType());
        Secret secret = manifests.only(Secret.class);
        assertTrue(secret.getStringData().get("vswitch-secret.properties").contains("REPLACE_ME"),
                "the placeholder Secret says what to fill in");
    }

    @Test
    void kubectlKustomizeBuildsTheBase() throws Exception {
        Optional<Path> kubectl = onPath("kubectl");
        if (kubectl.isEmpty()) {
            if ("1".equals(System.getenv("VSWITCH_REQUIRE_KUBECTL"))) {
                throw new AssertionError("kubectl is not on the PATH, and VSWITCH_REQUIRE_KUBECTL=1");
            }
            Assumptions.abort("kubectl is not on the PATH: `kubectl kustomize k8s/` not run (the other tests of k8s/ still check"
                    + " that kustomization.yaml lists every manifest and that each one is valid)");
        }
        Path output = Files.createTempFile("kustomize", ".yaml");
        try {
            Process process = new ProcessBuilder(kubectl.get().toString(), "kustomize", Repo.k8s().toString())
                    .redirectErrorStream(false)
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "kubectl kustomize finished");
            assertEquals(0, process.exitValue(), "kubectl kustomize k8s/: " + errors);
            List<JsonNode> built = Chart.parse(Files.readString(output));
            Manifests manifests = Manifests.validate(built, null);
            assertEquals(names(Manifests.validate(baseDocuments(), null).objects), names(manifests.objects),
                    "the build holds every object of the base");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Test
    void baseIsTheChartsDefaultsForAReleaseNamedVswitch() throws IOException {
        Map<String, JsonNode> chart = byName(Chart.render("vswitch", "{}").objects());
        Map<String, JsonNode> base = byName(baseDocuments());
        assertEquals(chart.keySet(), base.keySet(), "the same objects");
        for (String name : chart.keySet()) {
            assertEquals(normalise(chart.get(name)), normalise(base.get(name)), name + " differs from the chart's");
        }
    }

    private static List<JsonNode> baseDocuments() throws IOException {
        Kustomization kustomization = KubernetesModels.kustomization(yaml(Repo.k8s().resolve("kustomization.yaml")).get(0));
        List<JsonNode> documents = new ArrayList<>();
        for (String resource : kustomization.getResources()) {
            List<JsonNode> parsed = yaml(Repo.k8s().resolve(resource));
            assertEquals(1, parsed.size(), resource + " holds one object");
            documents.addAll(parsed);
        }
        return documents;
    }

    private static List<JsonNode> yaml(Path file) throws IOException {
        return Chart.parse(Files.readString(file));
    }

    private static TreeSet<String> names(List<HasMetadata> objects) {
        return objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, JsonNode> byName(List<JsonNode> objects) {
        Map<String, JsonNode> map = new TreeMap<>();
        objects.forEach(o -> map.put(o.path("kind").asText() + " " + o.path("metadata").path("name").asText(), o));
        return map;
    }

    /**
     * What Helm adds (namespace, chart and manager labels, checksums) taken out, and a Secret reduced to the names
     * of its entries: the chart's holds generated keys, the base's placeholders.
     */
    private static JsonNode normalise(JsonNode original) {
        ObjectNode object = original.deepCopy();
        ObjectNode metadata = (ObjectNode) object.get("metadata");
        metadata.remove("namespace");
        stripHelmLabels(metadata);
        if (object.path("spec").path("template").path("metadata").isObject()) {
            ObjectNode template = (ObjectNode) object.get("spec").get("template").get("metadata");
            stripHelmLabels(template);
            if (template.get("annotations") instanceof ObjectNode annotations) {
                annotations.remove(List.of("checksum/config", "checksum/secret"));
                if (annotations.isEmpty()) {
                    template.remove("annotations");
                }
            }
        }
        if ("Secret".equals(object.path("kind").asText())) {
            TreeSet<String> entries = new TreeSet<>();
            object.path("data").fieldNames().forEachRemaining(entries::add);
            object.path("stringData").fieldNames().forEachRemaining(entries::add);
            entries.removeIf(e -> !e.equals("vswitch-secret.properties"));
            object.remove(List.of("data", "stringData"));
            object.put("entries", String.join(",", entries));
        }
        return object;
    }

    private static void stripHelmLabels(ObjectNode metadata) {
        if (metadata.get("labels") instanceof ObjectNode labels) {
            labels.remove(List.of("helm.sh/chart", "app.kubernetes.io/managed-by"));
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
