package dev.vswitch.server;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Alive unless the forwarding event loop is stuck: a loop that does not answer within five seconds will
 * not forward frames either, and a restart is the cure. While the switch is still starting it is alive.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    private static final Duration STUCK_AFTER = Duration.ofSeconds(5);

    private final SwitchService switchService;

    LivenessCheck(SwitchService switchService) {
        this.switchService = switchService;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("event-loop");
        if (!switchService.isListening()) {
            return response.up().withData("state", "starting").build();
        }
        try {
            switchService.inspectSecure(port -> port.sessionCount(), STUCK_AFTER);
            return response.up().build();
        } catch (TimeoutException e) {
            return response.down().withData("reason", "event loop stuck for " + STUCK_AFTER.toSeconds() + " s").build();
        }
    }
}
