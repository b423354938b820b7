package dev.vswitch.vport.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version Quarkus took from the pom at build time. */
public class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"vport " + ConfigProvider.getConfig()
                .getOptionalValue("quarkus.application.version", String.class).orElse("(unknown version)")};
    }
}
