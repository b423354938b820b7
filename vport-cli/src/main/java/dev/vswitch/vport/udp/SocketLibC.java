package dev.vswitch.vport.udp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.vswitch.vport.jna.JnaBinding;
import java.nio.ByteBuffer;

/**
 * The libc socket calls a UDP socket with segmentation offload needs. Callers use {@link #LIBC}, chosen once like
 * {@code tap.LibC}'s by {@link JnaBinding}: {@link DirectSocketLibC} (JNA direct mapping: one JNI transition per call,
 * no proxy, boxing or allocation) on the JVM, JNA's interface mapping of this interface in a native image.
 *
 * <p>A direct buffer passed as {@link ByteBuffer} is a pointer to its position. Where a pointer has to sit inside a
 * structure (the iovec of a {@code msghdr}) it is a plain {@code long} address, which {@link #address} finds. Sizes are
 * {@code long} because vport targets 64-bit Linux (x86-64, AArch64), where {@code size_t} and {@code ssize_t} are 64
 * bits and the constants below are the same. The caller reads {@code errno} with {@link Native#getLastError()}.
 */
interface SocketLibC extends Library {

    /** The binding every caller uses. */
    SocketLibC LIBC = JnaBinding.choose(SocketLibC.class, DirectSocketLibC::new);

    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_SNDBUF = 7;
    int SO_RCVBUF = 8;
    int SO_REUSEPORT = 15;
    int SOL_UDP = 17;
    /** Linux 4.18: a send's payload is cut into datagrams of this many bytes (a uint16 in a cmsg, or a socket option). */
    int UDP_SEGMENT = 103;
    /** Linux 5.0: datagrams of one flow may be received coalesced, with their size in a cmsg of the same type. */
    int UDP_GRO = 104;
    int SHUT_RDWR = 2;
    /** A send on a shut-down socket must not raise SIGPIPE in the JVM; it returns EPIPE instead. */
    int MSG_NOSIGNAL = 0x4000;
    int MSG_TRUNC = 0x20;
    int MSG_PEEK = 0x2;
    int MSG_DONTWAIT = 0x40;

    int EINTR = 4;
    int EIO = 5;
    int EINVAL = 22;
    int ENOPROTOOPT = 92;
    int EOPNOTSUPP = 95;
    int ECONNREFUSED = 111;

    int socket(int domain, int type, int protocol);

    int bind(int fd, ByteBuffer address, int length);

    int connect(int fd, ByteBuffer address, int length);

    int getsockname(int fd, ByteBuffer address, ByteBuffer length);

    int setsockopt(int fd, int level, int name, ByteBuffer value, int length);

    int getsockopt(int fd, int level, int name, ByteBuffer value, ByteBuffer length);

    long send(int fd, ByteBuffer buffer, long length, int flags);

    /** For one segment inside a larger buffer: {@code buffer} is an address. */
    long send(int fd, long buffer, long length, int flags);

    long sendmsg(int fd, ByteBuffer message, int flags);

    long recv(int fd, ByteBuffer buffer, long length, int flags);

    long recvmsg(int fd, ByteBuffer message, int flags);

    int shutdown(int fd, int how);

    int close(int fd);

    String strerror(int errno);

    /** The address of a direct buffer's first byte (not its position). Allocates a {@code Pointer}: not per datagram. */
    static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }
}
