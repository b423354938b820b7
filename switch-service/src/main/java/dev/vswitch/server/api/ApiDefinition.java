package dev.vswitch.server.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The OpenAPI description served at /q/openapi: the management API and its bearer-token security. */
@OpenAPIDefinition(
        info = @Info(title = "vswitch management API", version = "1",
                description = "Read-only views of networks, ports, MAC tables and peer replicas, port disconnect, "
                        + "and live pcap capture."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "vswitch.api-token, or the generated key-dir/api.token")
public class ApiDefinition extends Application {
}
