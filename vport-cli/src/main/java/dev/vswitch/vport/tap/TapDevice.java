package dev.vswitch.vport.tap;

import com.sun.jna.Native;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Linux TAP interface: each {@link #read} returns one Ethernet frame the kernel sent out of the
 * interface, each {@link #write} injects one frame into it. The interface is not persistent, so closing the
 * file descriptor removes it.
 *
 * <p>The descriptor is non-blocking and reads wait in {@code poll} with a time-out, so a reader thread sees
 * a stop request within that time instead of hanging in {@code read}. One thread may read while another
 * writes; {@link #close} must wait until both have stopped, so that the descriptor number is not reused
 * under them.
 */
public final class TapDevice implements FrameDevice, AutoCloseable {

    /** {@code _IOW('T', 202, int)}. */
    static final long TUNSETIFF = 0x400454caL;
    private static final int POLLFD_SIZE = 8;
    private static final short POLL_FAILURE = LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL;

    private final int fd;
    private final String name;
    /** {@code struct pollfd} for the reading thread, allocated once. */
    private final ByteBuffer pollFd = ByteBuffer.allocateDirect(POLLFD_SIZE).order(ByteOrder.nativeOrder());
    private boolean closed;

    private TapDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Creates the TAP interface {@code requestedName} (down, with a random MAC) and attaches to it. */
    public static TapDevice create(String requestedName) {
        int fd = LibC.open(TapErrors.TUN_PATH, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw TapErrors.openFailed(Native.getLastError());
        }
        try {
            Ifreq ifreq = new Ifreq().reset(requestedName).flags((short) (Ifreq.IFF_TAP | Ifreq.IFF_NO_PI));
            if (LibC.ioctl(fd, TUNSETIFF, ifreq.buffer()) < 0) {
                throw TapErrors.createFailed(requestedName, Native.getLastError());
            }
            int flags = LibC.fcntl(fd, LibC.F_GETFL, 0);
            if (flags < 0 || LibC.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
                throw new VportException(ExitCode.RUNTIME_ERROR,
                        "cannot make " + TapErrors.TUN_PATH + " non-blocking: " + TapErrors.describe(Native.getLastError()));
            }
            return new TapDevice(fd, ifreq.name());
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** The interface name the kernel gave the device. */
    public String name() {
        return name;
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame and reads it into {@code frame}, which is cleared first
     * and then holds the frame between position 0 and its limit. Returns the frame's length, or 0 when no
     * frame came in time.
     *
     * @throws VportException when the device failed or was removed
     */
    @Override
    public int read(ByteBuffer frame, int timeoutMillis) {
        // Under load a frame is usually waiting already: try the read first and poll only when there is none,
        // which saves a system call per frame when it matters.
        int length = readNow(frame);
        if (length > 0) {
            return length;
        }
        pollFd.putInt(0, fd);
        pollFd.putShort(4, LibC.POLLIN);
        pollFd.putShort(6, (short) 0);
        int ready = LibC.poll(pollFd, 1, timeoutMillis);
        if (ready == 0) {
            return 0;
        }
        if (ready < 0) {
            int errno = Native.getLastError();
            if (errno == LibC.EINTR) {
                return 0;
            }
            throw failure("poll", errno);
        }
        short events = pollFd.getShort(6);
        if ((events & LibC.POLLIN) == 0 && (events & POLL_FAILURE) != 0) {
            throw new VportException(ExitCode.RUNTIME_ERROR, "TAP device " + name + " failed or was removed");
        }
        return readNow(frame);
    }

    /** One non-blocking read: the frame's length, or 0 when none is waiting. */
    private int readNow(ByteBuffer frame) {
        frame.clear();
        long length = LibC.read(fd, frame, frame.remaining());
        if (length < 0) {
            int errno = Native.getLastError();
            if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
                frame.limit(0);
                return 0;
            }
            throw failure("read from", errno);
        }
        frame.limit((int) length);
        return (int) length;
    }

    /** Writes the bytes between the buffer's position and limit as one frame; false if the kernel refused it. */
    @Override
    public boolean write(ByteBuffer frame) {
        int length = frame.remaining();
        return LibC.write(fd, frame, length) == length;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    private VportException failure(String operation, int errno) {
        return new VportException(ExitCode.RUNTIME_ERROR,
                "cannot " + operation + " TAP device " + name + ": " + TapErrors.describe(errno));
    }
}
