package dev.vswitch.vport.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The vport's structure as rules: no package cycles; the command line (picocli, Quarkus) stays in {@code cli}; native
 * calls (JNA) stay in {@code tap} and {@code udp} (the socket with UDP segmentation offload), with {@code jna} choosing
 * how they bind, so the data path is plain Java that tests drive with in-memory fakes; and JNA's direct mapping, which
 * does not link in a native image, is only ever reached through that choice.
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

    /** Classes that implement a libc binding with JNA's direct mapping: the JVM-only half of each binding. */
    private static final DescribedPredicate<JavaClass> DIRECT_BINDINGS = DescribedPredicate.describe(
            "direct-mapped bindings (classes implementing a JNA Library interface)",
            type -> !type.isInterface() && type.isAssignableTo(Library.class));

    @Test
    void onlyTheTapUdpAndJnaPackagesCallNativeCode() {
        noClasses().that().resideOutsideOfPackages("dev.vswitch.vport.tap..", "dev.vswitch.vport.udp..", "dev.vswitch.vport.jna..")
                .should().dependOnClassesThat().resideInAnyPackage("com.sun.jna..")
                .check(VPORT);
    }

    /** A {@code native} method binds only by JNI or {@code Native.register}: neither links in a native image. */
    @Test
    void nativeMethodsAreDeclaredOnlyByDirectBindings() {
        methods().that().haveModifier(JavaModifier.NATIVE)
                .should().beDeclaredInClassesThat(DIRECT_BINDINGS)
                .check(VPORT);
    }

    @Test
    void onlyDirectBindingsCallNativeRegister() {
        noClasses().that(DescribedPredicate.not(DIRECT_BINDINGS))
                .should().callMethodWhere(DescribedPredicate.describe("Native.register",
                        call -> call.getTargetOwner().isEquivalentTo(Native.class) && call.getName().equals("register")))
                .check(VPORT);
    }

    /** The code calls the Library interface's chosen instance; only that interface names its direct implementation. */
    @Test
    void directBindingsAreReachedOnlyThroughTheLibraryInterfaceTheyImplement() {
        classes().that(DIRECT_BINDINGS)
                .should().onlyHaveDependentClassesThat(DescribedPredicate.describe("the Library interface they implement",
                        dependent -> dependent.isInterface() && dependent.isAssignableTo(Library.class)))
                .check(VPORT);
    }
}
