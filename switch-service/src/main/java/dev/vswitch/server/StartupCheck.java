package dev.vswitch.server;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once the keys are loaded and the secure UDP port is bound. */
@Startup
@ApplicationScoped
public class StartupCheck implements HealthCheck {

    private final SwitchService switchService;

    StartupCheck(SwitchService switchService) {
        this.switchService = switchService;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("udp-port-bound").status(switchService.isListening()).build();
    }
}
