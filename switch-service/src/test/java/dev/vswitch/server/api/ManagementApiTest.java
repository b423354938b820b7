package dev.vswitch.server.api;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.server.SwitchService;
import dev.vswitch.server.secure.SecureClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The management API: token required, views of the real switching state, a disconnect that disconnects. */
@QuarkusTest
class ManagementApiTest {

    private static final String TOKEN = "test-api-token-not-a-secret";

    @Inject
    SwitchService switchService;

    @Test
    void withoutTheRightTokenNothingIsShown() {
        given().when().get("/api/v1/networks").then().statusCode(401).body("error", containsString("bearer token"));
        given().header("Authorization", "Bearer wrong").when().get("/api/v1/networks").then().statusCode(401);
        given().header("Authorization", "Basic " + TOKEN).when().get("/api/v1/networks").then().statusCode(401);
        given().when().delete("/api/v1/networks/lab/ports/0").then().statusCode(401);
    }

    @Test
    void aNetworksJoinTokenIsHandedOutOnlyWithTheApiToken() throws Exception {
        given().when().get("/api/v1/networks/lab/token").then().statusCode(401);
        String token = given().header("Authorization", "Bearer " + TOKEN).when().get("/api/v1/networks/lab/token")
                .then().statusCode(200).header("Cache-Control", "no-store").extract().asString().strip();
        JoinToken fromApi = JoinToken.decode(token);
        JoinToken fromFile = SecureClient.token("lab");
        assertEquals("lab", fromApi.network());
        assertArrayEquals(fromFile.networkKey(), fromApi.networkKey(), "the same token as the switch's token file");
        assertArrayEquals(fromFile.switchPublicKey(), fromApi.switchPublicKey());
        given().header("Authorization", "Bearer " + TOKEN).when().get("/api/v1/networks/nowhere/token").then()
                .statusCode(404);
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() {
        given().header("Authorization", "bearer " + TOKEN).when().get("/api/v1/networks").then().statusCode(200)
                .body("name", hasItem("default"));
        given().header("Authorization", "BEARER " + TOKEN).when().get("/api/v1/networks").then().statusCode(200);
    }

    @Test
    void networksPortsAndMacsShowTheLiveState() throws Exception {
        try (SecureClient a = SecureClient.joined(switchService.udpPort(), "lab", 0x02_00_00_00_30_01L);
             SecureClient b = SecureClient.joined(switchService.udpPort(), "lab", 0x02_00_00_00_30_02L)) {
            a.sendFrame(a.frameTo(b.mac, 300));
            b.receiveFrame();
            api().get("/api/v1/networks").then().statusCode(200)
                    .body("name", hasItem("lab")).body("name", hasItem("office")).body("name", hasItem("legacy"));
            List<Map<String, Object>> ports = api().get("/api/v1/networks/lab/ports").then().statusCode(200)
                    .extract().jsonPath().getList("$");
            Map<String, Object> portOfA = ports.stream()
                    .filter(port -> ((List<?>) port.get("macs")).contains(MacAddress.format(a.mac))).findFirst()
                    .orElseThrow(() -> new AssertionError("no port with a's MAC in " + ports));
            assertTrue(((Number) portOfA.get("bytesIn")).longValue() >= 300);
            assertTrue(String.valueOf(portOfA.get("address")).startsWith("127.0.0.1:"));
            assertEquals(44, String.valueOf(portOfA.get("clientKey")).length(), "a base64 public key");
            api().get("/api/v1/networks/lab/macs").then().statusCode(200).body("mac", hasItem(MacAddress.format(b.mac)));
            api().get("/api/v1/networks/nowhere/ports").then().statusCode(404);
        }
    }

    @Test
    void disconnectReallyDisconnects() throws Exception {
        try (SecureClient a = SecureClient.joined(switchService.udpPort(), "lab", 0x02_00_00_00_31_01L);
             SecureClient b = SecureClient.joined(switchService.udpPort(), "lab", 0x02_00_00_00_31_02L)) {
            a.sendFrame(a.frameTo(b.mac, 60));
            b.receiveFrame();
            int portOfB = portWithMac("lab", b.mac);
            api().delete("/api/v1/networks/lab/ports/" + portOfB).then().statusCode(204);
            a.sendFrame(a.frameTo(MacAddress.BROADCAST, 60));
            assertTrue(b.staysSilent(), "a disconnected port receives nothing");
            b.sendFrame(b.frameTo(a.mac, 60));
            assertTrue(a.staysSilent(), "and its session no longer carries frames");
            api().delete("/api/v1/networks/lab/ports/" + portOfB).then().statusCode(404);
        }
    }

    private int portWithMac(String network, long mac) {
        List<Map<String, Object>> ports = api().get("/api/v1/networks/" + network + "/ports").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return ports.stream().filter(port -> ((List<?>) port.get("macs")).contains(MacAddress.format(mac)))
                .map(port -> ((Number) port.get("id")).intValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no port has " + MacAddress.format(mac)));
    }

    static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + TOKEN).when();
    }
}
