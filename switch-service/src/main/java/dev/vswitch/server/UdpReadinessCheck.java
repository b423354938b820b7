package dev.vswitch.server;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Ready when the UDP port is bound, the switch is not draining before a shutdown, and the event loop that forwards
 * frames answers within a second.
 */
@Readiness
@ApplicationScoped
public class UdpReadinessCheck implements HealthCheck {

    private static final Duration EVENT_LOOP_TIMEOUT = Duration.ofSeconds(1);

    private final SwitchService switchService;

    UdpReadinessCheck(SwitchService switchService) {
        this.switchService = switchService;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("udp-switch");
        if (!switchService.isListening()) {
            return response.down().withData("reason", "udp port not bound").build();
        }
        if (switchService.isDraining()) {
            return response.down().withData("reason", "shutting down: draining").build();
        }
        try {
            int sessions = switchService.inspectSecure(port -> port.sessionCount(), EVENT_LOOP_TIMEOUT);
            return response.up().withData("udpPort", switchService.udpPort()).withData("sessions", sessions).build();
        } catch (TimeoutException e) {
            return response.down().withData("reason", "event loop not answering").build();
        }
    }
}
