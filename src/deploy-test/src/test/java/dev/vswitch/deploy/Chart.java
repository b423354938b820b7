package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The chart under test, rendered and linted by Helm's own code (helm-java). */
final class Chart {

    static final String RELEASE = "demo";
    static final String NAMESPACE = "net";
    static final String FULLNAME = "demo-vswitch";
    /** helm-java's default is 1.20, older than the chart's kubeVersion; the helm CLI uses its client-go's version. */
    static final String KUBE_VERSION = "1.30.0";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Chart() {
    }

    /** `helm template` of the chart with these values (YAML) on top of values.yaml, as release "demo" in "net". */
    static Rendered render(String valuesYaml) {
        return render(RELEASE, valuesYaml);
    }

    static Rendered render(String release, String valuesYaml) {
        return render(Repo.chart(), release, valuesYaml);
    }

    /**
     * The chart's `helm test` hooks (templates/tests/) as `helm template` would print them: helm-java's template
     * leaves hooks out, so this renders a copy of the chart whose test templates have their helm.sh/hook
     * annotations taken out (the annotations themselves are checked in the template's text).
     */
    static List<JsonNode> renderTestHooks(String valuesYaml) {
        Path copy = copyOfChart();
        try {
            try (var files = Files.list(copy.resolve("templates/tests"))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String text = Files.readString(file);
                    Files.writeString(file, text.lines().filter(line -> !line.contains("helm.sh/hook"))
                            .collect(Collectors.joining("\n", "", "\n")));
                }
            }
            return render(copy, RELEASE, valuesYaml).objects().stream()
                    .filter(o -> o.path("metadata").path("name").asText().endsWith("-test")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(copy);
        }
    }

    /** A copy of the chart in a temporary directory; {@link #deleteTree} removes it. */
    static Path copyOfChart() {
        try {
            Path to = Files.createTempDirectory("vswitch-chart");
            Path from = Repo.chart();
            try (var files = Files.walk(from)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path target = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** `helm template` of a copy of the chart at {@code chart}. */
    static Rendered renderChart(Path chart, String valuesYaml) {
        return render(chart, RELEASE, valuesYaml);
    }

    private static Rendered render(Path chart, String release, String valuesYaml) {
        FakeKubernetesApi.get();
        Path values = writeValues(valuesYaml);
        try {
            String manifest = new Helm(chart).template()
                    .withName(release)
                    .withNamespace(NAMESPACE)
                    .withKubeVersion(KUBE_VERSION)
                    .withValuesFile(values)
                    .call();
            return Rendered.of(manifest);
        } finally {
            delete(values);
        }
    }

    /** The message of Helm's refusal to render these values (schema or template check); fails if it renders. */
    static String rejection(String valuesYaml) {
        try {
            Rendered rendered = render(valuesYaml);
            throw new AssertionError("these values were accepted:\n" + valuesYaml + "\nrendering:\n" + rendered.manifest());
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /**
     * `helm upgrade --dry-run=OPTION` of release "demo" in "net" with these values, against {@link FakeKubernetesApi},
     * which must hold the release's history ({@link FakeKubernetesApi#putRelease}); the error's message when Helm refuses.
     */
    static String upgradeRefusal(String valuesYaml, DryRun dryRun) {
        FakeKubernetesApi.get();
        Path values = writeValues(valuesYaml);
        try {
            Release release = new Helm(Repo.chart()).upgrade()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    .withValuesFile(values)
                    .disableOpenApiValidation()
                    .dryRun()
                    .withDryRunOption(dryRun)
                    .call();
            throw new AssertionError("the upgrade was accepted:\n" + release.getOutput());
        } catch (IllegalStateException e) {
            return e.getMessage();
        } finally {
            delete(values);
        }
    }

    /** `helm lint --strict` of the chart with its own values. */
    static LintResult lint() {
        return new Helm(Repo.chart()).lint().strict().call();
    }

    /** What `helm install --dry-run=client` prints (status and NOTES.txt) for these values; touches no cluster. */
    static String installOutput(String valuesYaml) {
        Path values = writeValues(valuesYaml);
        try {
            Release release = new Helm(Repo.chart()).install()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    .withKubeVersion(KUBE_VERSION)
                    .withValuesFile(values)
                    .clientOnly()
                    .withDryRunOption(DryRun.CLIENT)
                    .call();
            return release.getOutput();
        } finally {
            delete(values);
        }
    }

    /** The YAML documents of a multi-document stream, empty ones left out. */
    static List<JsonNode> parse(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (var iterator = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (iterator.hasNext()) {
                JsonNode node = iterator.next();
                if (node != null && !node.isNull() && !node.isMissingNode() && node.size() > 0) {
                    documents.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    private static Path writeValues(String valuesYaml) {
        try {
            Path file = Files.createTempFile("vswitch-values", ".yaml");
            Files.writeString(file, valuesYaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A rendering: the manifest text and its objects. */
    record Rendered(String manifest, List<JsonNode> objects, List<JsonNode> hooks) {

        /** The objects of a rendering, Helm's hooks (helm.sh/hook, e.g. the `helm test` pod) apart: they are not installed. */
        static Rendered of(String manifest) {
            List<JsonNode> objects = new ArrayList<>();
            List<JsonNode> hooks = new ArrayList<>();
            for (JsonNode object : parse(manifest)) {
                (object.path("metadata").path("annotations").has("helm.sh/hook") ? hooks : objects).add(object);
            }
            return new Rendered(manifest, objects, hooks);
        }

        List<JsonNode> all(String kind) {
            return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).collect(Collectors.toList());
        }

        Optional<JsonNode> find(String kind, String name) {
            return objects.stream()
                    .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                    .findFirst();
        }

        JsonNode get(String kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in:\n" + kinds()));
        }

        /** The one object of this kind. */
        JsonNode only(String kind) {
            List<JsonNode> found = all(kind);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + kind + ", found " + found.size() + " in:\n" + kinds());
            }
            return found.get(0);
        }

        String kinds() {
            return objects.stream().map(o -> o.path("kind").asText() + " " + o.path("metadata").path("name").asText())
                    .collect(Collectors.joining("\n"));
        }
    }
}
