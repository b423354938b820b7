package dev.vswitch.server.auth;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;

/** Every management API call must carry {@code Authorization: Bearer <token>}. */
public class ApiAuthFilter {

    private final ApiToken token;

    ApiAuthFilter(ApiToken token) {
        this.token = token;
    }

    @ServerRequestFilter
    public Response authenticate(ContainerRequestContext request) {
        if (token.admits(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return null;
        }
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "missing or wrong bearer token (see vswitch.api-token or key-dir/api.token)"))
                .build();
    }
}
