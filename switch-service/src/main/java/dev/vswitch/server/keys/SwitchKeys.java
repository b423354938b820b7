package dev.vswitch.server.keys;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.KeyFiles;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.server.config.SwitchConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The switch's identity and its networks' keys: taken from configuration when given there (a Kubernetes
 * Secret), otherwise read from the key directory, and generated into it on first start. Also writes each
 * network's join token next to the keys, readable by the owner only, so that no secret is ever logged.
 */
public final class SwitchKeys {

    public static final String DEFAULT_NETWORK = "default";

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final List<NetworkDefinition> networks;
    private final Path keyDir;

    private SwitchKeys(byte[] privateKey, List<NetworkDefinition> networks, Path keyDir) {
        this.privateKey = privateKey;
        this.publicKey = X25519.publicKey(privateKey);
        this.networks = List.copyOf(networks);
        this.keyDir = keyDir;
    }

    /** Loads or creates every key; throws {@link IllegalArgumentException} or {@link UncheckedIOException} with a one-line reason. */
    public static SwitchKeys load(SwitchConfig config, SecureRandom random) {
        Path dir = Path.of(config.keyDir());
        try {
            byte[] switchKey = config.privateKey().isPresent()
                    ? Keys.decode(config.privateKey().get(), "vswitch.private-key")
                    : readOrCreate(dir.resolve("switch.key"), "switch key", random);
            List<NetworkDefinition> networks = new ArrayList<>();
            Map<String, SwitchConfig.NetworkConfig> configured = config.networks();
            if (keepsDefaultBeside(config)) {
                networks.add(define(DEFAULT_NETWORK, null, config.directPaths(), dir, random));
            }
            for (Map.Entry<String, SwitchConfig.NetworkConfig> entry : configured.entrySet()) {
                networks.add(define(entry.getKey(), entry.getValue(), config.directPaths(), dir, random));
            }
            if (networks.isEmpty()) {
                throw new IllegalArgumentException("no network to serve: vswitch.default-network is false and no "
                        + "vswitch.networks.NAME.key is configured; configure one, or drop vswitch.default-network=false");
            }
            return new SwitchKeys(switchKey, networks, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the key folder " + dir.toAbsolutePath() + ": " + IoReason.of(e, dir)
                    + "; set vswitch.key-dir (VSWITCH_KEY_DIR) to a folder this user can write", e);
        }
    }

    /**
     * Whether network "default" is added to the configured networks: by default it is, so that configuring a
     * second network does not cut off the vports of the first; {@code vswitch.default-network=false} removes it.
     */
    public static boolean keepsDefaultBeside(SwitchConfig config) {
        return config.defaultNetwork() && !config.networks().containsKey(DEFAULT_NETWORK);
    }

    public byte[] privateKey() {
        return privateKey.clone();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public List<NetworkDefinition> networks() {
        return networks;
    }

    /**
     * Writes key-dir/tokens/NAME.token (mode 0600) for each network and returns where, so the start-up log
     * can say how to get a token without printing one. Returns null when the directory is read-only.
     */
    public Path writeTokens(String endpoint) {
        Path tokens = keyDir.resolve("tokens");
        try {
            createPrivateDirectory(tokens);
            for (NetworkDefinition network : networks) {
                String token = token(network, endpoint);
                Path file = tokens.resolve(network.name() + ".token");
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
            }
            return tokens;
        } catch (IOException e) {
            return null;
        }
    }

    /** The join token of {@code network} naming the switch as {@code endpoint}: a secret, it holds the network key. */
    public String token(NetworkDefinition network, String endpoint) {
        return new JoinToken(endpoint, publicKey, network.name(), network.key(), null).encode();
    }

    /** host:port for tokens: the configured public endpoint, else this host's name. */
    public static String endpoint(SwitchConfig config, int port) {
        if (config.publicEndpoint().isPresent()) {
            return config.publicEndpoint().get();
        }
        try {
            return InetAddress.getLocalHost().getHostName() + ":" + port;
        } catch (UnknownHostException e) {
            return "localhost:" + port;
        }
    }

    /** @param directPaths whether vports are introduced for direct paths, unless the network's own setting says */
    private static NetworkDefinition define(String name, SwitchConfig.NetworkConfig config, boolean directPaths, Path dir,
                                            SecureRandom random) throws IOException {
        // No '@' ever: trunk handshakes between replicas name "@replica/..." in the network field (ReplicaId).
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 32 || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("network name must be 1 to 32 of A-Z a-z 0-9 . _ -: " + name);
        }
        byte[] key = config != null && config.key().isPresent()
                ? Keys.decode(config.key().get(), "key of network " + name)
                : readOrCreate(dir.resolve("networks").resolve(name + ".key"), "key of network " + name, random);
        LinkedHashSet<String> allowed = new LinkedHashSet<>();
        if (config != null) {
            for (String client : config.allowedClients().orElse(List.of())) {
                allowed.add(Keys.encode(Keys.decode(client, "allowed client key of network " + name)));
            }
        }
        boolean direct = config == null ? directPaths : config.directPaths().orElse(directPaths);
        return new NetworkDefinition(name, key, allowed, direct);
    }

    private static byte[] readOrCreate(Path file, String what, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return KeyFiles.read(file, what);
        }
        createPrivateDirectory(file.toAbsolutePath().getParent());
        byte[] key = Keys.generate(random);
        KeyFiles.write(file, key);
        return key;
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }
}
