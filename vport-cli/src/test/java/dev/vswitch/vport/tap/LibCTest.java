package dev.vswitch.vport.tap;

import static dev.vswitch.vport.tap.LibC.LIBC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import dev.vswitch.vport.jna.JnaBinding;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Every call of {@link LibC} that needs no TAP device, on {@code /dev/null} and on the loopback interface, through
 * the binding this JVM chose: surefire runs this class once with direct mapping and once with {@code
 * vswitch.jna.binding=interface}, the mapping a native image uses.
 */
class LibCTest {

    @Test
    void theBindingInUseIsTheOneThisJvmAskedFor() {
        if (JnaBinding.interfaceMapping()) {
            assertTrue(Proxy.isProxyClass(LIBC.getClass()), LIBC.getClass().getName());
        } else {
            assertInstanceOf(DirectLibC.class, LIBC);
        }
    }

    @Test
    void openReadWritePollFcntlAndCloseWorkOnDevNull() {
        int fd = LIBC.open("/dev/null", LibC.O_RDWR | LibC.O_CLOEXEC);
        assertTrue(fd >= 0, () -> "open: " + LIBC.strerror(Native.getLastError()));
        try {
            ByteBuffer bytes = ByteBuffer.allocateDirect(64);
            bytes.position(10);
            assertEquals(54, LIBC.write(fd, bytes, bytes.remaining()));
            assertEquals(0, LIBC.read(fd, bytes, bytes.remaining()), "end of file");

            int flags = LIBC.fcntl(fd, LibC.F_GETFL, 0);
            assertTrue(flags >= 0);
            assertEquals(0, LIBC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK));
            assertEquals(LibC.O_NONBLOCK, LIBC.fcntl(fd, LibC.F_GETFL, 0) & LibC.O_NONBLOCK);

            ByteBuffer pollFd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            pollFd.putInt(0, fd).putShort(4, LibC.POLLIN);
            assertEquals(1, LIBC.poll(pollFd, 1, 1000));
            assertEquals(LibC.POLLIN, pollFd.getShort(6) & LibC.POLLIN);
        } finally {
            assertEquals(0, LIBC.close(fd));
        }
    }

    @Test
    void aFailedCallLeavesItsErrnoForGetLastError() {
        assertEquals(-1, LIBC.open("/nonexistent/vswitch-libc-test", LibC.O_RDWR));
        assertEquals(LibC.ENOENT, Native.getLastError());
        assertEquals("No such file or directory", LIBC.strerror(LibC.ENOENT));
        assertEquals(-1, LIBC.close(-1));
        assertNotEquals(0, Native.getLastError());
    }

    @Test
    void ioctlOnASocketReadsTheLoopbackInterface() {
        try (InterfaceConfigurator loopback = InterfaceConfigurator.forInterface("lo")) {
            assertEquals(0L, loopback.hardwareAddress(), "lo has an all-zero MAC");
        }
        int socket = LIBC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        assertTrue(socket >= 0);
        try {
            Ifreq ifreq = new Ifreq().reset("lo");
            assertEquals(0, LIBC.ioctl(socket, InterfaceConfigurator.SIOCGIFFLAGS, ifreq.buffer()));
            assertEquals(Ifreq.IFF_UP, ifreq.flags() & Ifreq.IFF_UP, "lo is up");
            // The value form (TUNSETOFFLOAD's): on a socket the kernel refuses the TUN request, but the call goes through.
            assertEquals(-1, LIBC.ioctl(socket, TapDevice.TUNSETOFFLOAD, TapDevice.OFFLOADS));
            assertNotEquals(0, Native.getLastError());
        } finally {
            LIBC.close(socket);
        }
    }
}
