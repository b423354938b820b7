package dev.vswitch.server.keys;

import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.config.SwitchConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which networks the switch serves, and what it says when the key folder cannot be used. */
class SwitchKeysTest {

    private static final String LAB_KEY = "MqzkkyANJWj5D5IeF7V5EvnDuxOuMC7qiF7VQ94Ey58=";

    @TempDir
    Path keyDir;

    @Test
    void withoutConfiguredNetworksThereIsDefault() {
        assertEquals(List.of("default"), names(load(Map.of())));
    }

    @Test
    void configuringANetworkKeepsDefault() {
        SwitchKeys keys = load(Map.of("vswitch.networks.lab.key", LAB_KEY));
        assertEquals(List.of("default", "lab"), names(keys));
        assertTrue(Files.exists(keyDir.resolve("networks/default.key")), "default's key is generated as before");
    }

    @Test
    void defaultKeepsItsKeyWhenASecondNetworkIsAdded() {
        byte[] before = load(Map.of()).networks().get(0).key();
        byte[] after = load(Map.of("vswitch.networks.lab.key", LAB_KEY)).networks().get(0).key();
        assertArrayEquals(before, after, "its vports' tokens stay valid");
    }

    @Test
    void defaultNetworkFalseRemovesIt() {
        assertEquals(List.of("lab"), names(load(Map.of("vswitch.networks.lab.key", LAB_KEY, "vswitch.default-network", "false"))));
    }

    @Test
    void defaultConfiguredByNameIsNotDoubled() {
        assertEquals(List.of("default"), names(load(Map.of("vswitch.networks.default.key", LAB_KEY))));
    }

    @Test
    void noNetworkAtAllIsRefusedWithTheSettingToChange() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> load(Map.of("vswitch.default-network", "false")));
        assertTrue(refused.getMessage().contains("vswitch.default-network"), refused.getMessage());
    }

    @Test
    void anUnusableKeyFolderSaysWhyAndWhichSetting() throws Exception {
        Path file = Files.writeString(keyDir.resolve("a-file"), "x");
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> SwitchKeys.load(config(Map.of("vswitch.key-dir", file.resolve("keys").toString())), new SecureRandom()));
        assertTrue(refused.getMessage().contains("Not a directory"), refused.getMessage());
        assertTrue(refused.getMessage().contains("vswitch.key-dir (VSWITCH_KEY_DIR)"), refused.getMessage());
    }

    private SwitchKeys load(Map<String, String> properties) {
        Map<String, String> withDir = new HashMap<>(properties);
        withDir.put("vswitch.key-dir", keyDir.toString());
        return SwitchKeys.load(config(withDir), new SecureRandom());
    }

    private static List<String> names(SwitchKeys keys) {
        return keys.networks().stream().map(NetworkDefinition::name).toList();
    }

    private static SwitchConfig config(Map<String, String> properties) {
        return SwitchConfigs.of(properties);
    }
}
