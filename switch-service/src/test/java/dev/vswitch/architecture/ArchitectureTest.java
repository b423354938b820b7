package dev.vswitch.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * The switch's structure as rules: no package depends on itself through others, and the switching core stays pure
 * (no I/O, no framework), so it can be tested and fuzzed as plain code and reused behind any edge; and no buffer pool
 * sits in a static field, where a native image build would find it.
 */
class ArchitectureTest {

    private static final JavaClasses SWITCH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vswitch.server", "dev.vswitch.switching");

    /** Each package is a slice of its own: {@code server} and {@code server.secure} may not need each other. */
    private static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.vswitch.(**)").should().beFreeOfCycles();

    private static final ArchRule PURE_SWITCHING_CORE = noClasses().that().resideInAPackage("dev.vswitch.switching..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.vswitch.server..", "io.netty..", "io.vertx..",
                    "io.quarkus..", "io.micrometer..", "jakarta..", "org.jboss..", "java.net..", "java.nio.channels..",
                    "java.nio.file..", "java.io..", "java.util.logging..")
            .because("the switching core decides where frames go; sockets, files, logs and frameworks belong to the edges");

    @Test
    void noBufferAllocatorIsHeldInAStaticField() {
        noFields().that().areStatic().should().haveRawType(JavaClass.Predicates.assignableTo(ByteBufAllocator.class))
                .because("Quarkus initialises classes while it builds a native image, and the builder refuses a pooled"
                        + " allocator in the image heap: the pool is made at run time (UdpEdge.newBufferPool)")
                .check(SWITCH);
    }

    @Test
    void noPackageOfTheSwitchDependsOnItselfThroughOthers() {
        NO_PACKAGE_CYCLES.check(SWITCH);
    }

    @Test
    void theSwitchingCoreDoesNoIoAndKnowsNoFramework() {
        PURE_SWITCHING_CORE.check(SWITCH);
    }

    @Test
    void theCycleRuleFindsADeliberateCycle() {
        JavaClasses withCycle = new ClassFileImporter().importPackages("dev.vswitch.architecture.cycle");
        AssertionError found = assertThrows(AssertionError.class, () -> NO_PACKAGE_CYCLES.check(withCycle));
        assertTrue(found.getMessage().contains("cycle.a") && found.getMessage().contains("cycle.b"), found.getMessage());
    }
}
