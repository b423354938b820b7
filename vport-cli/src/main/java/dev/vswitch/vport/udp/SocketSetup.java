package dev.vswitch.vport.udp;

import static dev.vswitch.vport.udp.SocketLibC.LIBC;

import com.sun.jna.Native;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Opening a {@link NativeUdpSocket}'s descriptor and the socket options it asks about once: the calls that may
 * allocate and may fail with a message for the user, kept apart from the per-datagram ones.
 */
final class SocketSetup {

    private SocketSetup() {
    }

    /**
     * A UDP socket (close-on-exec, so a child process does not inherit it) with both buffers of {@code bufferBytes},
     * bound to {@code local} unless null and connected to {@code remote}.
     *
     * @throws VportException in one line when any step fails; the descriptor is closed then
     */
    static int open(InetSocketAddress remote, int bufferBytes, InetSocketAddress local) {
        if (remote.isUnresolved()) {
            throw new VportException(ExitCode.RUNTIME_ERROR, "cannot reach " + remote + " over UDP: the name is not resolved");
        }
        int fd = LIBC.socket(SocketAddresses.family(remote), SocketLibC.SOCK_DGRAM | SocketLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw openFailed(remote, "socket", Native.getLastError());
        }
        try {
            if (!setOption(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_RCVBUF, bufferBytes)
                    || !setOption(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_SNDBUF, bufferBytes)) {
                throw openFailed(remote, "setsockopt", Native.getLastError());
            }
            if (local != null) {
                ByteBuffer address = SocketAddresses.encode(local);
                if (LIBC.bind(fd, address, address.remaining()) < 0) {
                    throw openFailed(remote, "bind", Native.getLastError());
                }
            }
            ByteBuffer address = SocketAddresses.encode(remote);
            if (LIBC.connect(fd, address, address.remaining()) < 0) {
                throw openFailed(remote, "connect", Native.getLastError());
            }
            return fd;
        } catch (RuntimeException e) {
            LIBC.close(fd);
            throw e;
        }
    }

    /**
     * A UDP socket (close-on-exec) with both buffers of {@code bufferBytes}, bound to {@code local} with {@code
     * SO_REUSEPORT} set first, so that it shares the port with this user's other sockets that allow it; not connected.
     *
     * @throws VportException in one line when any step fails; the descriptor is closed then
     */
    static int openShared(InetSocketAddress local, int bufferBytes) {
        int fd = LIBC.socket(SocketAddresses.family(local), SocketLibC.SOCK_DGRAM | SocketLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw bindFailed(local, "socket", Native.getLastError());
        }
        try {
            if (!setOption(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_REUSEPORT, 1)
                    || !setOption(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_RCVBUF, bufferBytes)
                    || !setOption(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_SNDBUF, bufferBytes)) {
                throw bindFailed(local, "setsockopt", Native.getLastError());
            }
            ByteBuffer address = SocketAddresses.encode(local);
            if (LIBC.bind(fd, address, address.remaining()) < 0) {
                throw bindFailed(local, "bind", Native.getLastError());
            }
            return fd;
        } catch (RuntimeException e) {
            LIBC.close(fd);
            throw e;
        }
    }

    /**
     * Whether the kernel knows UDP_SEGMENT (4.18 or later), asked as wireguard-go does: an older one would ignore the
     * cmsg and send the whole buffer as one datagram, so it must not be tried blindly.
     */
    static boolean kernelHasGso(int fd) {
        return LIBC.getsockopt(fd, SocketLibC.SOL_UDP, SocketLibC.UDP_SEGMENT, intValue(0), intValue(Integer.BYTES)) == 0;
    }

    static boolean setOption(int fd, int level, int name, int value) {
        return LIBC.setsockopt(fd, level, name, intValue(value), Integer.BYTES) == 0;
    }

    /** {@code getsockname}; null when the kernel refuses. */
    static InetSocketAddress localAddress(int fd) {
        ByteBuffer address = ByteBuffer.allocateDirect(SocketAddresses.MAX_LENGTH).order(ByteOrder.nativeOrder());
        return LIBC.getsockname(fd, address, intValue(SocketAddresses.MAX_LENGTH)) < 0 ? null : SocketAddresses.decode(address);
    }

    private static ByteBuffer intValue(int value) {
        return ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, value);
    }

    /** One line, e.g. {@code cannot share UDP port 40000 of 0.0.0.0 (bind): Address already in use}. */
    private static VportException bindFailed(InetSocketAddress local, String call, int errno) {
        return new VportException(ExitCode.RUNTIME_ERROR, "cannot share UDP port " + local.getPort() + " of "
                + local.getAddress().getHostAddress() + " (" + call + "): " + LIBC.strerror(errno));
    }

    /** One line, e.g. {@code cannot reach 192.0.2.1 port 9999 over UDP (connect): Network is unreachable}. */
    private static VportException openFailed(InetSocketAddress remote, String call, int errno) {
        return new VportException(ExitCode.RUNTIME_ERROR, "cannot reach " + remote.getAddress().getHostAddress() + " port "
                + remote.getPort() + " over UDP (" + call + "): " + LIBC.strerror(errno));
    }
}
