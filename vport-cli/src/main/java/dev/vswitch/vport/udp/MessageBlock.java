package dev.vswitch.vport.udp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One {@code struct msghdr} with its single {@code iovec} and room for its control messages, laid out in one direct
 * buffer that is allocated once and rewritten for every {@code sendmsg} or {@code recvmsg}: the pointers between them
 * are fixed, only the data's address, its length and the segment size change per call. Not thread-safe; each user
 * (the sending side, the receiving side) owns one.
 *
 * <p>The name (a sockaddr) is set only for a socket that is not connected: where a send goes, where a receive writes
 * its sender.
 *
 * <p>Layout for 64-bit Linux: msghdr {name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48} is 56
 * bytes; iovec {base, len} 16; cmsghdr {len (size_t) 0, level 8, type 12} 16, data 8-aligned after it.
 */
final class MessageBlock {

    private static final int NAME = 0;
    private static final int NAME_LEN = 8;
    private static final int IOV = 16;
    private static final int IOV_LEN = 24;
    private static final int CONTROL = 32;
    private static final int CONTROL_LEN = 40;
    private static final int FLAGS = 48;
    private static final int IOVEC = 56;
    private static final int CMSG = 72;
    private static final int CMSG_HEADER = 16;
    /** Enough for the UDP_GRO cmsg the kernel adds, and for one or two more should other options ever be enabled. */
    private static final int CONTROL_ROOM = 64;
    /** CMSG_SPACE(sizeof(uint16_t)): the header plus the data padded to 8. */
    private static final int SEGMENT_CMSG_SPACE = CMSG_HEADER + 8;

    private final ByteBuffer block = ByteBuffer.allocateDirect(CMSG + CONTROL_ROOM).order(ByteOrder.nativeOrder());

    MessageBlock() {
        long base = SocketLibC.address(block);
        block.putLong(IOV, base + IOVEC);
        block.putLong(IOV_LEN, 1);
        block.putLong(CONTROL, base + CMSG);
    }

    /** The msghdr, for {@code sendmsg} or {@code recvmsg}. */
    ByteBuffer header() {
        return block;
    }

    /**
     * Where the next sends go, as a {@code sockaddr} of {@code length} bytes at {@code address}, for a socket that is not
     * connected; 0 for one that is. Where the next receive writes the sender's address ({@link SocketAddresses#MAX_LENGTH}
     * bytes of room), or 0 when it is not wanted.
     */
    void name(long address, int length) {
        block.putLong(NAME, address);
        block.putInt(NAME_LEN, length);
    }

    /** Prepares a send of one datagram of {@code length} bytes at {@code address}, without control messages. */
    void single(long address, int length) {
        data(address, length);
        block.putLong(CONTROL_LEN, 0);
    }

    /** Prepares a send of {@code length} bytes at {@code address}, which the kernel cuts into {@code segmentSize} datagrams. */
    void segmented(long address, int length, int segmentSize) {
        data(address, length);
        block.putLong(CONTROL_LEN, SEGMENT_CMSG_SPACE);
        block.putLong(CMSG, CMSG_HEADER + Short.BYTES);
        block.putInt(CMSG + 8, SocketLibC.SOL_UDP);
        block.putInt(CMSG + 12, SocketLibC.UDP_SEGMENT);
        block.putShort(CMSG + CMSG_HEADER, (short) segmentSize);
    }

    /** Prepares a receive into {@code capacity} bytes at {@code address}, with room for the kernel's control messages. */
    void receiving(long address, int capacity) {
        data(address, capacity);
        block.putLong(CONTROL_LEN, CONTROL_ROOM);
        block.putInt(FLAGS, 0);
    }

    /** After a receive: whether the datagram did not fit the buffer ({@code MSG_TRUNC}), so its tail is lost. */
    boolean truncated() {
        return (block.getInt(FLAGS) & SocketLibC.MSG_TRUNC) != 0;
    }

    /** After a receive with UDP_GRO on: the size of the coalesced datagrams, or 0 when the kernel sent no UDP_GRO cmsg. */
    int groSegmentSize() {
        long controlLength = Math.min(block.getLong(CONTROL_LEN), CONTROL_ROOM);
        int offset = 0;
        while (offset + CMSG_HEADER <= controlLength) {
            long length = block.getLong(CMSG + offset);
            if (length < CMSG_HEADER || offset + length > controlLength) {
                return 0;
            }
            if (block.getInt(CMSG + offset + 8) == SocketLibC.SOL_UDP && block.getInt(CMSG + offset + 12) == SocketLibC.UDP_GRO
                    && length >= CMSG_HEADER + Integer.BYTES) {
                return block.getInt(CMSG + offset + CMSG_HEADER); // the kernel puts an int there (udp_cmsg_recv)
            }
            offset += (int) ((length + 7) & ~7L);
        }
        return 0;
    }

    private void data(long address, int length) {
        block.putLong(IOVEC, address);
        block.putLong(IOVEC + 8, length);
    }
}
