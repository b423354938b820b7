package dev.vswitch.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the files under test are: the repository root (system property vswitch.repo, set by the pom). */
final class Repo {

    private Repo() {
    }

    static Path root() {
        Path root = Path.of(System.getProperty("vswitch.repo", "../..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("helm/vswitch"))) {
            throw new IllegalStateException("no helm/vswitch under " + root + " (run the tests through Maven)");
        }
        return root;
    }

    static Path chart() {
        return root().resolve("helm/vswitch");
    }

    static Path dashboard() {
        return chart().resolve("dashboards/vswitch.json");
    }

    static Path k8s() {
        return root().resolve("k8s");
    }

    static Path docker() {
        return root().resolve("switch-service/src/main/docker");
    }
}
