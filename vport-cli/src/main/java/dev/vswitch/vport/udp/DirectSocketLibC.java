package dev.vswitch.vport.udp;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;

/**
 * {@link SocketLibC} by JNA direct mapping, for the JVM only, like {@code tap.DirectLibC}: JNA registers these native
 * instance methods, so a call through {@link SocketLibC#LIBC} is one JNI transition with no proxy, boxing or
 * allocation. Never reached in a native image, where these methods would not link.
 */
final class DirectSocketLibC implements SocketLibC {

    static {
        Native.register(DirectSocketLibC.class, Platform.C_LIBRARY_NAME);
    }

    @Override
    public native int socket(int domain, int type, int protocol);

    @Override
    public native int bind(int fd, ByteBuffer address, int length);

    @Override
    public native int connect(int fd, ByteBuffer address, int length);

    @Override
    public native int getsockname(int fd, ByteBuffer address, ByteBuffer length);

    @Override
    public native int setsockopt(int fd, int level, int name, ByteBuffer value, int length);

    @Override
    public native int getsockopt(int fd, int level, int name, ByteBuffer value, ByteBuffer length);

    @Override
    public native long send(int fd, ByteBuffer buffer, long length, int flags);

    @Override
    public native long send(int fd, long buffer, long length, int flags);

    @Override
    public native long sendmsg(int fd, ByteBuffer message, int flags);

    @Override
    public native long recv(int fd, ByteBuffer buffer, long length, int flags);

    @Override
    public native long recvmsg(int fd, ByteBuffer message, int flags);

    @Override
    public native int shutdown(int fd, int how);

    @Override
    public native int close(int fd);

    @Override
    public native String strerror(int errno);
}
