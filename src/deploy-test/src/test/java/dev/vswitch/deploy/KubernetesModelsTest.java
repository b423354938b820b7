package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validators themselves: they must refuse what the API server refuses, or their green means nothing. */
class KubernetesModelsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: x
              labels: {app: x}
            spec:
              replicas: 1
              selector:
                matchLabels: {app: x}
              template:
                metadata:
                  labels: {app: x}
                spec:
                  containers:
                    - name: c
                      image: i
                      ports:
                        - name: http
                          containerPort: 8080
                      livenessProbe:
                        httpGet: {path: /q/health/live, port: http}
            """;

    @Test
    void aValidDeploymentPasses() {
        Manifests manifests = Manifests.validate(Chart.parse(DEPLOYMENT), null);
        assertEquals("x", manifests.deployment().getMetadata().getName());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "misspelt field         | 'replicas: 1'                | 'replica: 1'                  | replica",
        "field at the wrong level| '      containers:'         | '      imagePullPolicy: Always\n      containers:' | imagePullPolicy",
        "quoted number          | 'containerPort: 8080'        | 'containerPort: \"8080\"'       | containerPort",
        "unknown probe field    | 'httpGet: {path: /q/health/live, port: http}' | 'httpGet: {path: /q/health/live, port: http, scheme: HTTP, host2: x}' | host2",
    })
    void typedModelsRefuseWhatTheApiRefuses(String what, String from, String to, String culprit) {
        String yaml = DEPLOYMENT.replace(from, to.replace("\\n", "\n"));
        assertTrue(!yaml.equals(DEPLOYMENT), "the case changes something: " + what);
        AssertionError error = assertThrows(AssertionError.class, () -> Manifests.validate(Chart.parse(yaml), null));
        assertTrue(error.getMessage().contains(culprit), what + ": " + error.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "probe on a missing port | 'port: http}'          | 'port: web}'                  | names no TCP port",
        "selector not matching  | 'matchLabels: {app: x}' | 'matchLabels: {app: y}'       | does not match",
        "port out of range      | 'containerPort: 8080'  | 'containerPort: 80800'         | out of 1..65535",
        "bad port name          | 'name: http'           | 'name: HTTP_PORT'              | IANA",
        "bad object name        | 'name: x'              | 'name: X_1'                    | not a valid name",
    })
    void apiRulesRefuseWhatTheApiRefuses(String what, String from, String to, String message) {
        String yaml = DEPLOYMENT.replace(from, to);
        assertTrue(!yaml.equals(DEPLOYMENT), "the case changes something: " + what);
        AssertionError error = assertThrows(AssertionError.class, () -> Manifests.validate(Chart.parse(yaml), null));
        assertTrue(error.getMessage().contains(message), what + ": " + error.getMessage());
    }

    @Test
    void wiringRefusesAServiceThatSelectsNothingAndATargetPortOfTheWrongProtocol() {
        List<JsonNode> objects = Chart.parse(DEPLOYMENT + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  selector: {app: nope}
                  ports:
                    - {name: a, port: 1, protocol: UDP, targetPort: http}
                """);
        AssertionError error = assertThrows(AssertionError.class, () -> Manifests.validate(objects, null));
        assertTrue(error.getMessage().contains("not the switch's pods"), error.getMessage());
        assertTrue(error.getMessage().contains("is UDP but the pod's port http is TCP"), error.getMessage());
    }

    @Test
    void wiringRefusesAStatefulSetWhoseServiceIsNotHeadless() {
        String statefulSet = DEPLOYMENT.replace("kind: Deployment", "kind: StatefulSet").replace("  replicas: 1", "  replicas: 2\n  serviceName: s");
        List<JsonNode> objects = Chart.parse(statefulSet + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  selector: {app: x}
                  ports:
                    - {name: a, port: 1, targetPort: http}
                """);
        AssertionError error = assertThrows(AssertionError.class, () -> Manifests.validate(objects, null));
        assertTrue(error.getMessage().contains("names Service s, which is not headless"), error.getMessage());
    }
}
