package dev.vswitch.e2e;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.wire.WireFormat;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A separate program, run inside a host namespace, that sends the switch datagrams no vport would: random bytes of
 * random length, frames cut short of an Ethernet header, oversized ones, and frames whose source MAC is broadcast,
 * multicast or zero (a switch that learned those would send broadcasts to us alone), and forged messages of the
 * secure protocol: the right type, version and length for each message type, but random keys, indexes, MACs and
 * ciphertext, which must fail their MAC or AEAD check and cost the switch nothing more. It is bounded twice: a fixed
 * number of datagrams, spread evenly over a fixed time, and it gives up at twice that time.
 *
 * <p>Usage: {@code GarbageSender HOST PORT RANDOM_COUNT SECONDS SEED}
 */
public final class GarbageSender {

    private static final int MAX_RANDOM_LENGTH = 3000;
    /** Larger than any frame but below the largest UDP payload: a jumbo frame a vport never sends. */
    private static final int JUMBO_LENGTH = 9000;
    private static final int MIN_FRAME_LENGTH = 60;
    private static final int ARP = 0x0806;
    private static final long IPV4_ALL_HOSTS = 0x0100_5E00_0001L;
    private static final long SOME_UNICAST = 0x0200_0000_0099L;
    /** Forged messages of each secure type, and of each with a wrong version byte. */
    private static final int FORGED_PER_TYPE = 20;

    private GarbageSender() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int randomCount = Integer.parseInt(args[2]);
        long nanos = Long.parseLong(args[3]) * 1_000_000_000L;
        Random random = new Random(Long.parseLong(args[4]));
        List<byte[]> datagrams = datagrams(random, randomCount);

        long start = System.nanoTime();
        long gap = nanos / datagrams.size();
        long bytes = 0;
        int sent = 0;
        System.out.println("garbage: sending " + datagrams.size() + " datagrams to " + target);
        try (DatagramSocket socket = new DatagramSocket()) {
            for (byte[] datagram : datagrams) {
                if (System.nanoTime() - start > 2 * nanos) {
                    break;
                }
                socket.send(new DatagramPacket(datagram, datagram.length, target));
                sent++;
                bytes += datagram.length;
                long wait = start + sent * gap - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        System.out.println("garbage: done, sent " + sent + " datagrams, " + bytes + " bytes in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** Every kind of garbage, shuffled so that the special ones are spread among the random ones. */
    private static List<byte[]> datagrams(Random random, int randomCount) {
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < randomCount; i++) {
            datagrams.add(randomBytes(random, random.nextInt(MAX_RANDOM_LENGTH + 1)));
        }
        for (int length = 0; length < EthernetFrame.HEADER_LENGTH; length++) {
            datagrams.add(randomBytes(random, length));
        }
        datagrams.add(randomBytes(random, JUMBO_LENGTH));
        datagrams.add(randomBytes(random, Mtu.MAX_DATAGRAM));
        for (long source : List.of(MacAddress.BROADCAST, IPV4_ALL_HOSTS, MacAddress.ZERO)) {
            datagrams.add(frameFrom(source, MacAddress.BROADCAST, random));
            datagrams.add(frameFrom(source, SOME_UNICAST, random));
        }
        for (int i = 0; i < FORGED_PER_TYPE; i++) {
            datagrams.add(forged(random, WireFormat.TYPE_INITIATION, WireFormat.INITIATION_LENGTH, WireFormat.VERSION));
            datagrams.add(forged(random, WireFormat.TYPE_RESPONSE, WireFormat.RESPONSE_LENGTH, WireFormat.VERSION));
            datagrams.add(forged(random, WireFormat.TYPE_COOKIE_REPLY, WireFormat.COOKIE_REPLY_LENGTH,
                    WireFormat.VERSION));
            int frame = MIN_FRAME_LENGTH + random.nextInt(WireFormat.DEFAULT_TAP_MTU);
            datagrams.add(forged(random, WireFormat.TYPE_DATA, WireFormat.DATA_OVERHEAD + frame, WireFormat.VERSION));
            datagrams.add(forged(random, WireFormat.TYPE_INITIATION, WireFormat.INITIATION_LENGTH,
                    (byte) (WireFormat.VERSION + 1)));
        }
        Collections.shuffle(datagrams, random);
        return datagrams;
    }

    /** A minimum-size ARP-typed frame from {@code source} to {@code destination} with a random body. */
    private static byte[] frameFrom(long source, long destination, Random random) {
        ByteBuffer frame = ByteBuffer.wrap(randomBytes(random, MIN_FRAME_LENGTH));
        EthernetFrame.writeMac(frame, EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(frame, EthernetFrame.SOURCE_OFFSET, source);
        frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) ARP);
        return frame.array();
    }

    /** A secure-protocol message of {@code type} and {@code length} with a valid-looking header, random after it. */
    private static byte[] forged(Random random, byte type, int length, byte version) {
        byte[] message = randomBytes(random, length);
        message[0] = type;
        message[1] = version;
        message[2] = 0;
        message[3] = 0;
        return message;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
