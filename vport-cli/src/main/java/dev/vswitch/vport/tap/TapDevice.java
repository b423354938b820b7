package dev.vswitch.vport.tap;

import static dev.vswitch.vport.tap.LibC.LIBC;

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
    /** {@code _IOW('T', 208, unsigned int)}: which offloads the kernel may hand us in the virtio_net_hdr. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /**
     * TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6: frames may come with their checksum still to be completed, and TCP may hand
     * over segments of up to 64 KB (one read, one message) which the other end's kernel takes whole or the switch cuts up.
     */
    static final long OFFLOADS = 0x1 | 0x2 | 0x4;
    private static final int POLLFD_SIZE = 8;
    private static final short POLL_FAILURE = LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL;

    private final int fd;
    private final String name;
    private final boolean offload;
    /** {@code struct pollfd} for the reading thread, allocated once. */
    private final ByteBuffer pollFd = ByteBuffer.allocateDirect(POLLFD_SIZE).order(ByteOrder.nativeOrder());
    private boolean closed;

    private TapDevice(int fd, String name, boolean offload) {
        this.fd = fd;
        this.name = name;
        this.offload = offload;
    }

    /**
     * Creates the TAP interface {@code requestedName} (down, with a random MAC) and attaches to it. With {@code offload}
     * every frame read or written starts with a {@code virtio_net_hdr} (VirtioNetHeader) and the kernel may hand over
     * TCP segments of up to 64 KB and frames whose checksum is left to complete.
     */
    public static TapDevice create(String requestedName, boolean offload) {
        int fd = LIBC.open(TapErrors.TUN_PATH, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw TapErrors.openFailed(Native.getLastError());
        }
        try {
            short flags = (short) (Ifreq.IFF_TAP | Ifreq.IFF_NO_PI | (offload ? Ifreq.IFF_VNET_HDR : 0));
            Ifreq ifreq = new Ifreq().reset(requestedName).flags(flags);
            if (LIBC.ioctl(fd, TUNSETIFF, ifreq.buffer()) < 0) {
                throw TapErrors.createFailed(requestedName, Native.getLastError());
            }
            if (offload && LIBC.ioctl(fd, TUNSETOFFLOAD, OFFLOADS) < 0) {
                throw new VportException(ExitCode.RUNTIME_ERROR, "this kernel's TAP devices cannot take TCP segmentation offload"
                        + " (--offload): " + TapErrors.describe(Native.getLastError()));
            }
            int fileFlags = LIBC.fcntl(fd, LibC.F_GETFL, 0);
            if (fileFlags < 0 || LIBC.fcntl(fd, LibC.F_SETFL, fileFlags | LibC.O_NONBLOCK) < 0) {
                throw new VportException(ExitCode.RUNTIME_ERROR,
                        "cannot make " + TapErrors.TUN_PATH + " non-blocking: " + TapErrors.describe(Native.getLastError()));
            }
            return new TapDevice(fd, ifreq.name(), offload);
        } catch (RuntimeException e) {
            LIBC.close(fd);
            throw e;
        }
    }

    /** True when frames read and written start with a virtio_net_hdr. */
    @Override
    public boolean offload() {
        return offload;
    }

    @Override
    public void setMtu(int mtu) {
        try (InterfaceConfigurator config = InterfaceConfigurator.forInterface(name)) {
            config.setMtu(mtu);
        }
    }

    /** The interface name the kernel gave the device. */
    public String name() {
        return name;
    }

    /**
     * Waits in {@code poll} up to {@code timeoutMillis} for the TAP to become readable.
     *
     * @throws VportException when the device failed or was removed
     */
    @Override
    public boolean awaitFrame(int timeoutMillis) {
        pollFd.putInt(0, fd);
        pollFd.putShort(4, LibC.POLLIN);
        pollFd.putShort(6, (short) 0);
        int ready = LIBC.poll(pollFd, 1, timeoutMillis);
        if (ready == 0) {
            return false;
        }
        if (ready < 0) {
            int errno = Native.getLastError();
            if (errno == LibC.EINTR) {
                return false;
            }
            throw failure("poll", errno);
        }
        short events = pollFd.getShort(6);
        if ((events & LibC.POLLIN) == 0 && (events & POLL_FAILURE) != 0) {
            throw new VportException(ExitCode.RUNTIME_ERROR, "TAP device " + name + " failed or was removed");
        }
        return true;
    }

    /**
     * One non-blocking read: the frame's length, or 0 when none is waiting.
     *
     * @throws VportException when the device failed or was removed
     */
    @Override
    public int readNow(ByteBuffer frame) {
        frame.clear();
        long length = LIBC.read(fd, frame, frame.remaining());
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
        return LIBC.write(fd, frame, length) == length;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LIBC.close(fd);
        }
    }

    private VportException failure(String operation, int errno) {
        return new VportException(ExitCode.RUNTIME_ERROR,
                "cannot " + operation + " TAP device " + name + ": " + TapErrors.describe(errno));
    }
}
