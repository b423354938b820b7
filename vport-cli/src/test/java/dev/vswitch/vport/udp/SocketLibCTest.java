package dev.vswitch.vport.udp;

import static dev.vswitch.vport.udp.SocketLibC.LIBC;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.jna.JnaBinding;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * The socket tests of this package run on the binding this JVM chose: surefire runs them once with direct mapping and
 * once with {@code vswitch.jna.binding=interface}, the mapping a native image uses. This says which one ran.
 */
class SocketLibCTest {

    @Test
    void theBindingInUseIsTheOneThisJvmAskedFor() {
        if (JnaBinding.interfaceMapping()) {
            assertTrue(Proxy.isProxyClass(LIBC.getClass()), LIBC.getClass().getName());
        } else {
            assertInstanceOf(DirectSocketLibC.class, LIBC);
        }
    }
}
