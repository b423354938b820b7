package dev.vswitch.server.api;

import dev.vswitch.server.SwitchService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** The management API's view of the other replicas this one links to. */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    private static final Duration EVENT_LOOP_TIMEOUT = Duration.ofSeconds(2);

    private final SwitchService switchService;

    ClusterResource(SwitchService switchService) {
        this.switchService = switchService;
    }

    @GET
    @Path("/peers")
    @Operation(summary = "The links to the other replicas: address, state, last seen, session age, frames and bytes "
            + "each way; empty when clustering is off")
    public List<Views.PeerView> peers() {
        try {
            return switchService.inspectSecure(port -> port.mesh() == null ? List.<Views.PeerView>of()
                    : Views.peers(port.mesh(), System.nanoTime()), EVENT_LOOP_TIMEOUT);
        } catch (TimeoutException e) {
            throw new WebApplicationException("switch event loop not answering", Response.Status.SERVICE_UNAVAILABLE);
        }
    }
}
