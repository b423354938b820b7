package dev.vswitch.server.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

/** The app serves an OpenAPI description of the management API, bearer security included. */
@QuarkusTest
class OpenApiTest {

    @Test
    void describesEveryEndpointAndTheBearerScheme() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("vswitch management API"))
                .body("paths", hasKey("/api/v1/networks"))
                .body("paths", hasKey("/api/v1/networks/{network}/ports"))
                .body("paths", hasKey("/api/v1/networks/{network}/macs"))
                .body("paths", hasKey("/api/v1/networks/{network}/ports/{port}"))
                .body("paths", hasKey("/api/v1/networks/{network}/capture"))
                .body("paths", hasKey("/api/v1/cluster/peers"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"));
    }
}
