package dev.vswitch.vport.tap;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;

/**
 * {@link LibC} by JNA direct mapping, for the JVM only: JNA registers these native instance methods (it binds every
 * {@code native} method of the class, static or not, and ignores the receiver), so a call through {@link LibC#LIBC}
 * is one JNI transition with no proxy, boxing or allocation. Never reached in a native image, where these methods
 * would not link ({@link dev.vswitch.vport.jna.JnaBinding}).
 */
final class DirectLibC implements LibC {

    static {
        Native.register(DirectLibC.class, Platform.C_LIBRARY_NAME);
    }

    @Override
    public native int open(String path, int flags);

    @Override
    public native int close(int fd);

    @Override
    public native int fcntl(int fd, int command, int argument);

    @Override
    public native int ioctl(int fd, long request, ByteBuffer argument);

    @Override
    public native int ioctl(int fd, long request, long argument);

    @Override
    public native int socket(int domain, int type, int protocol);

    @Override
    public native int poll(ByteBuffer fds, long count, int timeoutMillis);

    @Override
    public native long read(int fd, ByteBuffer buffer, long count);

    @Override
    public native long write(int fd, ByteBuffer buffer, long count);

    @Override
    public native String strerror(int errno);
}
