package dev.vswitch.vport.tap;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.vswitch.vport.jna.JnaBinding;
import java.nio.ByteBuffer;

/**
 * The libc calls that a TAP device needs. Callers use {@link #LIBC}, which {@link JnaBinding} chooses once: {@link
 * DirectLibC} (JNA direct mapping: one JNI transition per call, no proxy, boxing or allocation, which matters on the
 * per-frame path) on the JVM, and JNA's interface mapping of this interface in a native image, where direct mapping
 * does not link.
 *
 * <p>A direct buffer is passed as a pointer to its current position (JNA adds the position to the
 * buffer's address), so callers pass {@code remaining()} as the size. Sizes are {@code long} because vport targets 64-bit Linux, where
 * {@code size_t}, {@code ssize_t}, {@code nfds_t} and {@code unsigned long} are all 64 bits wide.
 * {@code open}, {@code fcntl} and {@code ioctl} are variadic in C; calling them with a fixed signature is
 * sound on the 64-bit Linux ABIs (x86-64, AArch64) because the extra argument goes in the same register.
 * The caller reads {@code errno} with {@link Native#getLastError()}, which JNA saves after every call in both mappings.
 */
interface LibC extends Library {

    /** The binding every caller uses. */
    LibC LIBC = JnaBinding.choose(LibC.class, DirectLibC::new);

    int O_RDWR = 2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int F_GETFL = 3;
    int F_SETFL = 4;
    int AF_INET = 2;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    short POLLIN = 0x1;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;

    int EPERM = 1;
    int ENOENT = 2;
    int EINTR = 4;
    int ENXIO = 6;
    int EAGAIN = 11;
    int EACCES = 13;
    int EBUSY = 16;
    int ENODEV = 19;
    int EINVAL = 22;

    int open(String path, int flags);

    int close(int fd);

    int fcntl(int fd, int command, int argument);

    int ioctl(int fd, long request, ByteBuffer argument);

    /** For requests whose argument is a plain value rather than a pointer (TUNSETOFFLOAD). */
    int ioctl(int fd, long request, long argument);

    int socket(int domain, int type, int protocol);

    int poll(ByteBuffer fds, long count, int timeoutMillis);

    long read(int fd, ByteBuffer buffer, long count);

    long write(int fd, ByteBuffer buffer, long count);

    String strerror(int errno);
}
