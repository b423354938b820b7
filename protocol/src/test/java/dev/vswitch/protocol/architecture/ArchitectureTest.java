package dev.vswitch.protocol.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The protocol's structure as rules: its packages do not need each other in circles, and it is plain Java that both
 * programs (and a native image) can take as it is: no framework, no network I/O of its own.
 */
class ArchitectureTest {

    private static final JavaClasses PROTOCOL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vswitch.protocol");

    @Test
    void noPackageOfTheProtocolDependsOnItselfThroughOthers() {
        slices().matching("dev.vswitch.(**)").should().beFreeOfCycles().check(PROTOCOL);
    }

    @Test
    void theProtocolIsPlainJavaWithoutIo() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.vertx..", "io.quarkus..",
                        "jakarta..", "org.jboss..", "com.fasterxml..", "java.net.http..", "java.nio.channels..")
                .because("the wire format and the crypto are shared by the switch and the vport, and stay testable alone")
                .check(PROTOCOL);
    }
}
