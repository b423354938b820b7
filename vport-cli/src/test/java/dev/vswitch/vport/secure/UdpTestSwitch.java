package dev.vswitch.vport.secure;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.KeyFiles;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A {@link TestSwitch} on a UDP socket, as a program: the stand-in switch of the namespace integration tests
 * ({@code it.Vports#secureSwitch}), ending by itself after its lifetime.
 */
public final class UdpTestSwitch {

    private UdpTestSwitch() {
    }

    /**
     * Arguments: UDP port, lifetime in seconds, key directory, network name. The switch and network keys are
     * read from the key directory, or made there on the first start, so that a restarted switch keeps them;
     * the join token (endpoint 127.0.0.1:PORT) is written to DIR/NETWORK.token.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long lifetime = Long.parseLong(args[1]);
        Path dir = Path.of(args[2]);
        String network = args[3];
        SecureRandom random = new SecureRandom();
        byte[] switchKey = readOrCreate(dir.resolve("switch.key"), random);
        byte[] networkKey = readOrCreate(dir.resolve(network + ".key"), random);
        Path token = dir.resolve(network + ".token");
        if (!Files.exists(token)) {
            Files.createFile(token, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(token, new JoinToken("127.0.0.1:" + port, X25519.publicKey(switchKey), network, networkKey, null).encode()
                    + "\n", StandardCharsets.US_ASCII);
        }
        try (DatagramChannel channel = DatagramChannel.open(); Selector selector = Selector.open()) {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(port));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            TestSwitch sw = new TestSwitch((InetSocketAddress) channel.getLocalAddress(), switchKey, networkKey, network,
                    (datagram, to) -> send(channel, datagram, to));
            System.out.println("secure switch listening on " + port);
            serve(channel, selector, sw, System.nanoTime() + lifetime * 1_000_000_000L);
        }
    }

    /** Hands each datagram to the switch until the deadline; looks at the clock at least every 100 ms. */
    private static void serve(DatagramChannel channel, Selector selector, TestSwitch sw, long deadline) {
        ByteBuffer in = ByteBuffer.allocate(65_536);
        try {
            while (System.nanoTime() - deadline < 0) {
                selector.select(100);
                selector.selectedKeys().clear();
                SocketAddress sender;
                while ((sender = channel.receive(in.clear())) != null) {
                    sw.receive(Arrays.copyOf(in.array(), in.position()), (InetSocketAddress) sender);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("test switch failed: " + e);
        }
    }

    private static void send(DatagramChannel channel, byte[] datagram, InetSocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(datagram), to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return KeyFiles.read(file, file.getFileName().toString());
        }
        byte[] key = Keys.generate(random);
        KeyFiles.write(file, key);
        return key;
    }
}
