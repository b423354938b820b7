package dev.vswitch.server.api;

import dev.vswitch.server.SwitchService;
import dev.vswitch.server.capture.CaptureTap;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.capture.Pcap;
import dev.vswitch.switching.VirtualSwitch;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** The management API: read-only views of networks, ports and MAC tables, a disconnect, and live capture. */
@Path("/api/v1/networks")
@Produces(MediaType.APPLICATION_JSON)
public class NetworksResource {

    private static final Duration EVENT_LOOP_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_CAPTURE_FRAMES = 100_000;
    private static final int MAX_CAPTURE_SECONDS = 600;
    private static final long POLL_MILLIS = 100;

    private final SwitchService switchService;
    private final Captures captures;

    NetworksResource(SwitchService switchService, Captures captures) {
        this.switchService = switchService;
        this.captures = captures;
    }

    @GET
    @Operation(summary = "Every network with its port and MAC counts, frames by kind and drops by reason")
    public List<Views.NetworkView> networks() {
        List<Views.NetworkView> views = new ArrayList<>();
        for (String name : switchService.networks()) {
            views.add(onLoop(name, Views::network));
        }
        return views;
    }

    @GET
    @Path("/{network}/token")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The network's join token, as the switch writes it to key-dir/tokens: a secret (it holds the"
            + " network key), for handing to machines that may join")
    public Response token(@PathParam("network") String network) {
        return switchService.joinToken(network)
                .map(token -> Response.ok(token + "\n").header("Cache-Control", "no-store").build())
                .orElseThrow(() -> new NotFoundException("no network '" + network + "' with a join token on this switch"));
    }

    @GET
    @Path("/{network}/ports")
    @Operation(summary = "The ports of a network: address, client key, MACs, traffic, last seen, session age")
    public List<Views.PortView> ports(@PathParam("network") String network) {
        return onLoop(network, lan -> Views.ports(lan, System.nanoTime()));
    }

    @GET
    @Path("/{network}/macs")
    @Operation(summary = "The MAC table of a network")
    public List<Views.MacView> macs(@PathParam("network") String network) {
        return onLoop(network, lan -> Views.macs(lan, System.nanoTime()));
    }

    @DELETE
    @Path("/{network}/ports/{port}")
    @Operation(summary = "Disconnect a vport's port: its sessions end and its MACs are forgotten (a trunk port to "
            + "another replica follows its link and cannot be disconnected)")
    public Response disconnect(@PathParam("network") String network, @PathParam("port") int port) {
        try {
            if (!switchService.disconnect(network, port)) {
                throw new NotFoundException("no vport on port " + port + " of network " + network);
            }
            return Response.noContent().build();
        } catch (TimeoutException e) {
            throw new WebApplicationException("switch event loop not answering", Response.Status.SERVICE_UNAVAILABLE);
        }
    }

    @GET
    @Path("/{network}/capture")
    @Produces("application/vnd.tcpdump.pcap")
    @Operation(summary = "Stream the frames of a network (or of one port) as pcap, for tshark -r - or Wireshark; "
            + "ends after count frames or seconds, whichever comes first")
    public Response capture(@PathParam("network") String network, @QueryParam("port") @DefaultValue("-1") int port,
                            @QueryParam("count") @DefaultValue("100") int count,
                            @QueryParam("seconds") @DefaultValue("10") int seconds) {
        onLoop(network, lan -> lan.name());
        if (count < 1 || count > MAX_CAPTURE_FRAMES || seconds < 1 || seconds > MAX_CAPTURE_SECONDS) {
            throw new WebApplicationException("count must be 1.." + MAX_CAPTURE_FRAMES + " and seconds 1.."
                    + MAX_CAPTURE_SECONDS, Response.Status.BAD_REQUEST);
        }
        CaptureTap tap = captures.open(network, port);
        StreamingOutput stream = out -> {
            try {
                writeCapture(tap, count, seconds, out);
            } finally {
                captures.close(tap);
            }
        };
        return Response.ok(stream).header("Content-Disposition", "attachment; filename=\"" + network + ".pcap\"").build();
    }

    private static void writeCapture(CaptureTap tap, int count, int seconds, OutputStream out) throws java.io.IOException {
        out.write(Pcap.fileHeader());
        out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        int written = 0;
        try {
            while (written < count && System.nanoTime() < deadline) {
                byte[] frame = tap.poll(POLL_MILLIS);
                if (frame != null) {
                    Instant now = Instant.now();
                    out.write(Pcap.record(now.getEpochSecond() * 1_000_000 + now.getNano() / 1000, frame));
                    out.flush();
                    written++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <T> T onLoop(String network, Function<VirtualSwitch<?>, T> query) {
        try {
            T answer = switchService.inspect(network, lan -> lan == null ? null : query.apply(lan), EVENT_LOOP_TIMEOUT);
            if (answer == null) {
                throw new NotFoundException("no network " + network);
            }
            return answer;
        } catch (TimeoutException e) {
            throw new WebApplicationException("switch event loop not answering", Response.Status.SERVICE_UNAVAILABLE);
        } catch (IllegalStateException e) {
            throw new NotFoundException("no network " + network);
        }
    }
}
