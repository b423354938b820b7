package dev.vswitch.vport.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The vport's structure as rules: no package cycles; the command line (picocli, Quarkus) stays in {@code cli}, and
 * native calls (JNA) stay in {@code tap} and {@code udp} (the socket with UDP segmentation offload), so the data path is
 * plain Java that tests drive with in-memory fakes.
 */
class ArchitectureTest {

    private static final JavaClasses VPORT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vswitch.vport");

    @Test
    void noPackageOfTheVportDependsOnItselfThroughOthers() {
        slices().matching("dev.vswitch.(**)").should().beFreeOfCycles().check(VPORT);
    }

    @Test
    void onlyTheCommandLineKnowsPicocliAndQuarkus() {
        noClasses().that().resideOutsideOfPackage("dev.vswitch.vport.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "io.quarkus..")
                .check(VPORT);
    }

    @Test
    void onlyTheTapAndUdpPackagesCallNativeCode() {
        noClasses().that().resideOutsideOfPackages("dev.vswitch.vport.tap..", "dev.vswitch.vport.udp..")
                .should().dependOnClassesThat().resideInAnyPackage("com.sun.jna..")
                .check(VPORT);
    }
}
