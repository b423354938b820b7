package dev.vswitch.vport.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import java.lang.reflect.Proxy;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which mapping {@link JnaBinding} takes: direct on the JVM unless asked otherwise, always the interface in an image. */
class JnaBindingTest {

    /** A binding of one libc call, to load through the interface mapping. */
    public interface Getpid extends Library {
        int getpid();
    }

    private Properties saved;

    @BeforeEach
    void saveProperties() {
        saved = (Properties) System.getProperties().clone();
        System.clearProperty(JnaBinding.PROPERTY);
        System.clearProperty(JnaBinding.IMAGE_CODE_PROPERTY);
    }

    @AfterEach
    void restoreProperties() {
        System.setProperties(saved);
    }

    @Test
    void onTheJvmDirectMappingIsTheDefault() {
        assertFalse(JnaBinding.interfaceMapping());
        System.setProperty(JnaBinding.PROPERTY, "direct");
        assertFalse(JnaBinding.interfaceMapping());
    }

    @Test
    void thePropertyForcesTheInterfaceMappingOnTheJvm() {
        System.setProperty(JnaBinding.PROPERTY, "interface");
        assertTrue(JnaBinding.interfaceMapping());
    }

    @Test
    void inANativeImageAndWhileOneIsBuiltTheInterfaceMappingIsTakenWhateverThePropertySays() {
        System.setProperty(JnaBinding.PROPERTY, "direct");
        for (String phase : new String[] {"runtime", "buildtime"}) {
            System.setProperty(JnaBinding.IMAGE_CODE_PROPERTY, phase);
            assertTrue(JnaBinding.interfaceMapping(), phase);
        }
    }

    @Test
    void anUnknownMappingIsRefusedWithTheChoices() {
        System.setProperty(JnaBinding.PROPERTY, "proxy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, JnaBinding::interfaceMapping);
        assertEquals("vswitch.jna.binding must be interface or direct, not proxy", e.getMessage());
    }

    @Test
    void chooseReturnsTheDirectImplementationOrLoadsLibcThroughTheInterface() {
        Getpid direct = () -> -1;
        assertEquals(direct, JnaBinding.choose(Getpid.class, () -> direct));

        System.setProperty(JnaBinding.PROPERTY, "interface");
        Getpid loaded = JnaBinding.choose(Getpid.class, () -> direct);
        assertTrue(Proxy.isProxyClass(loaded.getClass()));
        assertEquals(ProcessHandle.current().pid(), loaded.getpid());
    }
}
