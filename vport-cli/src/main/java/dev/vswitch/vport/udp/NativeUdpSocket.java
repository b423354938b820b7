package dev.vswitch.vport.udp;

import static dev.vswitch.vport.udp.SocketLibC.LIBC;

import com.sun.jna.Native;
import dev.vswitch.vport.VportException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jboss.logging.Logger;

/**
 * A UDP socket connected to one address, or bound and unconnected ({@link #openUnconnected}, for the direct paths: each
 * send names its target, each receive tells its sender), owned through JNA, for what {@code DatagramChannel} cannot do: send many
 * datagrams of one size with a single {@code sendmsg} carrying {@code UDP_SEGMENT} (Linux UDP GSO), so that a 64 KB TCP
 * segment cut into ~45 sealed frames costs one or two system calls instead of 45; and optionally receive with
 * {@code UDP_GRO}, several datagrams per call.
 *
 * <p>Sending and receiving neither throw nor allocate: failures are returned for the caller to count, since the vport
 * keeps running while the switch is down ("port unreachable" is {@link SendResult#UNREACHABLE} or {@link #UNREACHABLE}).
 * Buffers must be direct; the system calls read and write them in place, and {@link #sendSegments} and a GRO receive
 * look a buffer's address up only when given another buffer than last time, so callers should reuse theirs. Sending
 * ({@link #send}, {@link #sendSegments}: one reused msghdr) and receiving are each serialized by their own lock, so
 * one thread of each runs without contention. {@link #close} wakes a blocked receiver with {@code shutdown()} and
 * closes the descriptor only after both have left their call, so its number cannot be reused under them.
 */
public final class NativeUdpSocket implements AutoCloseable {

    /** {@link #receive}: the socket was closed. */
    public static final int CLOSED = -1;
    /** {@link #receive}: the peer's host answered "port unreachable" to something we sent. */
    public static final int UNREACHABLE = -2;
    /** {@link #receive}: any other failure, or (with GRO) datagrams that did not fit the buffer. */
    public static final int FAILED = -3;
    /** Linux's UDP_MAX_SEGMENTS: a send cut into more is refused. */
    static final int MAX_SEGMENTS = 64;
    /** The most UDP payload one IPv4 datagram holds (65,535 minus IP and UDP headers): also the limit of one GSO send. */
    static final int MAX_IPV4_PAYLOAD = 65_507;
    /** IPv6's payload length excludes its own header: 65,535 minus the UDP header. */
    static final int MAX_IPV6_PAYLOAD = 65_527;

    private static final Logger LOG = Logger.getLogger(NativeUdpSocket.class);

    private final int fd;
    private final InetSocketAddress remote;
    private final int maxPayload;
    private final Object sendLock = new Object();
    private final Object receiveLock = new Object();
    private final MessageBlock sendMessage = new MessageBlock();
    private final MessageBlock receiveMessage = new MessageBlock();
    /** Unconnected: where a receive writes its sender, the last one decoded, and its bytes (only the receiving thread). */
    private final ByteBuffer source;
    private final byte[] lastSourceBytes = new byte[SocketAddresses.MAX_LENGTH];
    private InetSocketAddress lastSource;
    private volatile boolean gso;
    private volatile boolean gro;
    private volatile boolean closed;
    private boolean descriptorClosed;
    /** The last buffer sendSegments was given and its address: callers reuse theirs, so the lookup is made once. */
    private ByteBuffer segmentBuffer;
    private long segmentBufferAddress;
    private ByteBuffer receiveBuffer;
    private long receiveBufferAddress;
    private int receivedSegmentSize;
    /** Where {@link #datagramWaiting} peeks at no bytes: a pointer for the call, never read. */
    private final ByteBuffer peekBuffer = ByteBuffer.allocateDirect(1);
    /** System calls that sent data, for tests to see that segments went in one call; guarded by sendLock. */
    long sendCalls;

    private NativeUdpSocket(int fd, InetSocketAddress remote, boolean ipv6, boolean gso) {
        this.fd = fd;
        this.remote = remote;
        this.maxPayload = ipv6 ? MAX_IPV6_PAYLOAD : MAX_IPV4_PAYLOAD;
        this.gso = gso;
        this.source = remote == null
                ? ByteBuffer.allocateDirect(SocketAddresses.MAX_LENGTH).order(ByteOrder.nativeOrder()) : null;
    }

    /**
     * Opens a socket connected to {@code remote} (IPv4 or IPv6), with send and receive buffers of {@code bufferBytes}
     * (the kernel caps them at net.core.wmem_max / rmem_max), using GSO when this kernel has it.
     *
     * @throws VportException when the socket cannot be opened or connected
     */
    public static NativeUdpSocket open(InetSocketAddress remote, int bufferBytes) {
        return open(remote, bufferBytes, true);
    }

    /** As {@link #open(InetSocketAddress, int)}; {@code tryGso} false sends segments one by one, as without GSO. */
    static NativeUdpSocket open(InetSocketAddress remote, int bufferBytes, boolean tryGso) {
        return open(remote, bufferBytes, tryGso, null);
    }

    /**
     * As {@link #open(InetSocketAddress, int, boolean)}, from the address {@code local} when it is not null (a switch's
     * port, in tests that play the switch).
     */
    public static NativeUdpSocket open(InetSocketAddress remote, int bufferBytes, boolean tryGso, InetSocketAddress local) {
        int fd = SocketSetup.open(remote, bufferBytes, local);
        return new NativeUdpSocket(fd, remote, remote.getAddress() instanceof Inet6Address,
                tryGso && SocketSetup.kernelHasGso(fd));
    }

    /**
     * Opens a socket bound to {@code local} and connected to nothing, sharing its port with the sockets of this user that
     * allow it ({@code SO_REUSEPORT}, set before the bind): it receives what no connected socket on the port takes.
     *
     * @throws VportException when the socket cannot be opened or bound
     */
    public static NativeUdpSocket openUnconnected(InetSocketAddress local, int bufferBytes) {
        int fd = SocketSetup.openShared(local, bufferBytes);
        return new NativeUdpSocket(fd, null, local.getAddress() instanceof Inet6Address, SocketSetup.kernelHasGso(fd));
    }

    /** {@code address} as the target of {@link #sendTo} and {@link #sendSegmentsTo}: made once per address, not per send. */
    public static ByteBuffer target(InetSocketAddress address) {
        return SocketAddresses.encode(address);
    }

    /** For tests that set socket options the class does not offer. */
    int descriptor() {
        return fd;
    }

    public InetSocketAddress remote() {
        return remote;
    }

    /** The address the kernel gave this end (an ephemeral port on the interface towards the peer); null once closed. */
    public InetSocketAddress localAddress() {
        synchronized (sendLock) {
            return closed ? null : SocketSetup.localAddress(fd);
        }
    }

    /**
     * Whether {@link #sendSegments} uses one {@code sendmsg} per up to 64 segments: false when the kernel has no UDP GSO
     * (before 4.18) or it failed on this path (EIO: the device cannot checksum), after which segments go one by one.
     */
    public boolean gsoSupported() {
        return gso;
    }

    /** Sends the bytes between position and limit as one datagram; on success the position moves to the limit. */
    public SendResult send(ByteBuffer datagram) {
        requireDirect(datagram);
        synchronized (sendLock) {
            if (closed) {
                return SendResult.FAILED;
            }
            int length = datagram.remaining();
            int errno;
            do {
                sendCalls++;
                if (LIBC.send(fd, datagram, length, SocketLibC.MSG_NOSIGNAL) >= 0) {
                    datagram.position(datagram.limit());
                    return SendResult.SENT;
                }
                errno = Native.getLastError();
            } while (errno == SocketLibC.EINTR);
            return failure(errno);
        }
    }

    /** As {@link #send}, from an unconnected socket to {@code target} ({@link #target}). */
    public SendResult sendTo(ByteBuffer datagram, ByteBuffer target) {
        return sendSegmentsTo(datagram, Math.max(1, datagram.remaining()), target);
    }

    /**
     * Sends the bytes between position and limit as datagrams of {@code segmentSize} bytes, the last one shorter if
     * they do not divide evenly. With GSO, each {@code sendmsg} carries as many whole segments as one datagram's payload
     * limit allows (at most 64): 45 segments of 1,452 bytes in one call, 45 and a 300-byte tail in two. The position
     * moves past what was sent: to the limit on success, else to the first segment not sent (sending stops there).
     */
    public SendResult sendSegments(ByteBuffer datagrams, int segmentSize) {
        return sendSegmentsTo(datagrams, segmentSize, null);
    }

    /** As {@link #sendSegments}, from an unconnected socket to {@code target} ({@link #target}); null: the connected peer. */
    public SendResult sendSegmentsTo(ByteBuffer datagrams, int segmentSize, ByteBuffer target) {
        requireDirect(datagrams);
        if (segmentSize < 1 || segmentSize > maxPayload) {
            throw new IllegalArgumentException("segment size " + segmentSize + " outside 1.." + maxPayload);
        }
        int batchBytes = Math.min(MAX_SEGMENTS, maxPayload / segmentSize) * segmentSize;
        synchronized (sendLock) {
            if (closed) {
                return SendResult.FAILED;
            }
            if (datagrams != segmentBuffer) {
                segmentBuffer = datagrams;
                segmentBufferAddress = SocketLibC.address(datagrams);
            }
            sendMessage.name(target == null ? 0 : SocketLibC.address(target), target == null ? 0 : target.remaining());
            while (datagrams.hasRemaining()) {
                int position = datagrams.position();
                long address = segmentBufferAddress + position;
                int length;
                int errno;
                if (gso && datagrams.remaining() > segmentSize) {
                    length = Math.min(datagrams.remaining(), batchBytes);
                    errno = sendSegmented(address, length, segmentSize);
                    if (errno != 0 && meansNoGso(errno)) {
                        gso = false;
                        LOG.infof("UDP segmentation offload failed towards %s (%s); sending datagrams one by one from now on",
                                remote == null ? "a peer" : remote.getAddress().getHostAddress() + " port " + remote.getPort(),
                                LIBC.strerror(errno));
                        continue; // the same bytes again, one by one
                    }
                } else {
                    length = Math.min(datagrams.remaining(), segmentSize);
                    errno = target == null ? sendAt(address, length) : sendSingle(address, length);
                }
                if (errno != 0) {
                    return failure(errno);
                }
                datagrams.position(position + length);
            }
            return SendResult.SENT;
        }
    }

    /**
     * Lets one more socket of this user bind this socket's port ({@code SO_REUSEPORT}), as the socket for direct paths
     * does: it shares the port, so a NAT gives both the same mapping. Set after the connect, so the ephemeral port was
     * chosen among the ports nobody holds; this connected socket still receives only the switch's datagrams, the other
     * one everything else. Returns whether the kernel agreed.
     */
    public boolean sharePort() {
        return !closed && SocketSetup.setOption(fd, SocketLibC.SOL_SOCKET, SocketLibC.SO_REUSEPORT, 1);
    }

    /**
     * Asks the kernel (5.0 or later) to hand over datagrams of one flow coalesced, up to 64 KB per {@link #receive}, which
     * then reports their size in {@link #receivedSegmentSize}. Returns whether it agreed. Call it before the receiving
     * thread starts (a receiver blocked in {@code recv} would not see it), and give {@link #receive} buffers of 65,535
     * bytes: a coalesced run that does not fit is lost.
     */
    public boolean enableGro() {
        gro = !closed && SocketSetup.setOption(fd, SocketLibC.SOL_UDP, SocketLibC.UDP_GRO, 1);
        return gro;
    }

    /**
     * Blocks until a datagram arrives and reads it into {@code buffer}, which is cleared first and then holds it from 0 up
     * to its position (a longer datagram is cut to the buffer, as by {@code DatagramChannel}). Returns its length, or
     * {@link #CLOSED} once closed, {@link #UNREACHABLE} or {@link #FAILED}; then the caller counts and calls again.
     */
    public int receive(ByteBuffer buffer) {
        requireDirect(buffer);
        synchronized (receiveLock) {
            buffer.clear();
            while (!closed) {
                boolean coalescing = gro;
                long length;
                if (coalescing || source != null) {
                    if (buffer != receiveBuffer) {
                        receiveBuffer = buffer;
                        receiveBufferAddress = SocketLibC.address(buffer);
                    }
                    receiveMessage.receiving(receiveBufferAddress, buffer.capacity());
                    receiveMessage.name(source == null ? 0 : SocketLibC.address(source), source == null ? 0 : source.capacity());
                    length = LIBC.recvmsg(fd, receiveMessage.header(), 0);
                } else {
                    length = LIBC.recv(fd, buffer, buffer.remaining(), 0);
                }
                if (length < 0) {
                    int errno = Native.getLastError();
                    if (errno == SocketLibC.EINTR) {
                        continue;
                    }
                    return closed ? CLOSED : errno == SocketLibC.ECONNREFUSED ? UNREACHABLE : FAILED;
                }
                if (length == 0 && closed) {
                    break; // what a shutdown() from close() returns; an empty datagram then does not matter
                }
                if ((coalescing || source != null) && receiveMessage.truncated()) {
                    return FAILED;
                }
                int groSize = coalescing ? receiveMessage.groSegmentSize() : 0;
                receivedSegmentSize = groSize > 0 ? groSize : (int) length;
                buffer.position((int) length);
                return (int) length;
            }
            return CLOSED;
        }
    }

    /**
     * Whether a datagram is queued, so that {@link #receive} would return at once: the kernel is asked without waiting
     * and without taking it (one {@code recv} with MSG_PEEK and MSG_DONTWAIT). Call it in the receiving thread.
     */
    public boolean datagramWaiting() {
        synchronized (receiveLock) {
            return !closed && LIBC.recv(fd, peekBuffer, 0, SocketLibC.MSG_PEEK | SocketLibC.MSG_DONTWAIT) >= 0;
        }
    }

    /**
     * Unconnected: who sent what the last {@link #receive} returned. The same object as last time while the sender is
     * the same, so a flow's datagrams allocate nothing. Read it in the receiving thread.
     */
    public InetSocketAddress receivedFrom() {
        boolean same = lastSource != null;
        for (int i = 0; i < lastSourceBytes.length && same; i++) {
            same = lastSourceBytes[i] == source.get(i);
        }
        if (!same) {
            source.get(0, lastSourceBytes);
            lastSource = SocketAddresses.decode(source);
        }
        return lastSource;
    }

    /**
     * The size of each datagram in what the last {@link #receive} returned, the last one possibly shorter: its whole
     * length unless GRO coalesced several. Read it in the receiving thread.
     */
    public int receivedSegmentSize() {
        return receivedSegmentSize;
    }

    /**
     * Wakes a receiver blocked in {@link #receive} (Linux ends a blocked {@code recv} on {@code shutdown}, and a
     * blocked send then fails with EPIPE), waits until it and any sender have left their call, then closes the
     * descriptor. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LIBC.shutdown(fd, SocketLibC.SHUT_RDWR);
        synchronized (sendLock) {
            synchronized (receiveLock) {
                if (!descriptorClosed) {
                    descriptorClosed = true;
                    LIBC.close(fd);
                }
            }
        }
    }

    /** One sendmsg of {@code length} bytes with a UDP_SEGMENT cmsg; 0 or the errno. */
    private int sendSegmented(long address, int length, int segmentSize) {
        sendMessage.segmented(address, length, segmentSize);
        return sendPrepared();
    }

    /** One sendmsg of {@code length} bytes at {@code address} to the name the message holds; 0 or the errno. */
    private int sendSingle(long address, int length) {
        sendMessage.single(address, length);
        return sendPrepared();
    }

    /** The sendmsg of what {@link #sendMessage} holds, again when a signal interrupted it; 0 or the errno. */
    private int sendPrepared() {
        int errno;
        do {
            sendCalls++;
            if (LIBC.sendmsg(fd, sendMessage.header(), SocketLibC.MSG_NOSIGNAL) >= 0) {
                return 0;
            }
            errno = Native.getLastError();
        } while (errno == SocketLibC.EINTR);
        return errno;
    }

    /** One send of {@code length} bytes at {@code address}; 0 or the errno. */
    private int sendAt(long address, int length) {
        int errno;
        do {
            sendCalls++;
            if (LIBC.send(fd, address, length, SocketLibC.MSG_NOSIGNAL) >= 0) {
                return 0;
            }
            errno = Native.getLastError();
        } while (errno == SocketLibC.EINTR);
        return errno;
    }

    /**
     * The kernel's ways of saying a segmented send cannot work here, as wireguard-go reads them: EIO when the device
     * cannot checksum (a hard requirement of UDP_SEGMENT), EINVAL when a kernel rejects the cmsg (the arguments were
     * checked, so it is not theirs), ENOPROTOOPT/EOPNOTSUPP when it does not know it. EMSGSIZE (a segment larger than
     * the path's MTU) is not among them: single datagrams of that size fail alike.
     */
    private static boolean meansNoGso(int errno) {
        return errno == SocketLibC.EIO || errno == SocketLibC.EINVAL || errno == SocketLibC.ENOPROTOOPT
                || errno == SocketLibC.EOPNOTSUPP;
    }

    private static SendResult failure(int errno) {
        return errno == SocketLibC.ECONNREFUSED ? SendResult.UNREACHABLE : SendResult.FAILED;
    }

    private static void requireDirect(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("the native UDP socket takes direct buffers only");
        }
    }
}
