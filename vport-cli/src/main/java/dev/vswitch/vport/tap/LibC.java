package dev.vswitch.vport.tap;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;

/**
 * The libc calls that a TAP device needs, bound with JNA direct mapping ({@code Native.register}): a call
 * costs one JNI transition and no proxy, reflection or allocation, which matters on the per-frame path and
 * keeps the binding usable in a native image.
 *
 * <p>A direct buffer is passed as a pointer to its current position (JNA adds the position to the
 * buffer's address), so callers pass {@code remaining()} as the size. Sizes are {@code long} because vport targets 64-bit Linux, where
 * {@code size_t}, {@code ssize_t}, {@code nfds_t} and {@code unsigned long} are all 64 bits wide.
 * {@code open}, {@code fcntl} and {@code ioctl} are variadic in C; calling them with a fixed signature is
 * sound on the 64-bit Linux ABIs (x86-64, AArch64) because the extra argument goes in the same register.
 * The caller reads {@code errno} with {@link Native#getLastError()}, which JNA saves after every call.
 */
final class LibC {

    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;

    static {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static native int open(String path, int flags);

    static native int close(int fd);

    static native int fcntl(int fd, int command, int argument);

    static native int ioctl(int fd, long request, ByteBuffer argument);

    /** For requests whose argument is a plain value rather than a pointer (TUNSETOFFLOAD). */
    static native int ioctl(int fd, long request, long argument);

    static native int socket(int domain, int type, int protocol);

    static native int poll(ByteBuffer fds, long count, int timeoutMillis);

    static native long read(int fd, ByteBuffer buffer, long count);

    static native long write(int fd, ByteBuffer buffer, long count);

    static native String strerror(int errno);
}
