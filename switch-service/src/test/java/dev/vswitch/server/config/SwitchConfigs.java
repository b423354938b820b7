package dev.vswitch.server.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.Map;

/** A {@link SwitchConfig} from given properties and the documented defaults, without starting Quarkus. */
public final class SwitchConfigs {

    private SwitchConfigs() {
    }

    public static SwitchConfig of(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(SwitchConfig.class)
                // Quarkus reads "300s"; plain SmallRye Config knows only ISO-8601 ("PT300S").
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build().getConfigMapping(SwitchConfig.class);
    }
}
