package dev.vswitch.vport.udp;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The libc socket calls a UDP socket with segmentation offload needs, bound like {@code tap.LibC} with JNA direct
 * mapping ({@code Native.register}): one JNI transition per call, no proxy, reflection or allocation.
 *
 * <p>A direct buffer passed as {@link ByteBuffer} is a pointer to its position. Where a pointer has to sit inside a
 * structure (the iovec of a {@code msghdr}) it is a plain {@code long} address, which {@link #address} finds. Sizes are
 * {@code long} because vport targets 64-bit Linux (x86-64, AArch64), where {@code size_t} and {@code ssize_t} are 64
 * bits and the constants below are the same. The caller reads {@code errno} with {@link Native#getLastError()}.
 */
final class SocketLibC {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SOL_UDP = 17;
    /** Linux 4.18: a send's payload is cut into datagrams of this many bytes (a uint16 in a cmsg, or a socket option). */
    static final int UDP_SEGMENT = 103;
    /** Linux 5.0: datagrams of one flow may be received coalesced, with their size in a cmsg of the same type. */
    static final int UDP_GRO = 104;
    static final int SHUT_RDWR = 2;
    /** A send on a shut-down socket must not raise SIGPIPE in the JVM; it returns EPIPE instead. */
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_TRUNC = 0x20;

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EINVAL = 22;
    static final int ENOPROTOOPT = 92;
    static final int EOPNOTSUPP = 95;
    static final int ECONNREFUSED = 111;

    static {
        Native.register(SocketLibC.class, Platform.C_LIBRARY_NAME);
    }

    private SocketLibC() {
    }

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, ByteBuffer address, int length);

    static native int connect(int fd, ByteBuffer address, int length);

    static native int getsockname(int fd, ByteBuffer address, ByteBuffer length);

    static native int setsockopt(int fd, int level, int name, ByteBuffer value, int length);

    static native int getsockopt(int fd, int level, int name, ByteBuffer value, ByteBuffer length);

    static native long send(int fd, ByteBuffer buffer, long length, int flags);

    /** For one segment inside a larger buffer: {@code buffer} is an address. */
    static native long send(int fd, long buffer, long length, int flags);

    static native long sendmsg(int fd, ByteBuffer message, int flags);

    static native long recv(int fd, ByteBuffer buffer, long length, int flags);

    static native long recvmsg(int fd, ByteBuffer message, int flags);

    static native int shutdown(int fd, int how);

    static native int close(int fd);

    static native String strerror(int errno);

    /** The address of a direct buffer's first byte (not its position). Allocates a {@code Pointer}: not per datagram. */
    static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }
}
