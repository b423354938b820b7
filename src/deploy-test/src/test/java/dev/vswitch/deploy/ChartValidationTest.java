package dev.vswitch.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad values are refused before anything reaches a cluster, with a message that names the value: by
 * values.schema.json (path and constraint), or by the chart's own checks of combinations (a sentence).
 */
class ChartValidationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "no replicas                | replicaCount: 0                                     | /replicaCount                | minimum",
        "replicas as text           | replicaCount: many                                  | /replicaCount                | integer",
        "misspelt top-level value   | replicas: 2                                         | replicas                     | additional properties",
        "port 0                     | switch: {port: 0}                                   | /switch/port                 | minimum",
        "port above 65535           | service: {port: 70000}                              | /service/port                | maximum",
        "HTTP port above 65535      | httpService: {port: 65536}                          | /httpService/port            | maximum",
        "legacy port 0              | switch: {legacyPort: 0}                             | /switch/legacyPort           | minimum",
        "node port above 65535      | service: {nodePort: 99999}                          | /service/nodePort            | maximum",
        "unknown Service type       | service: {type: Ingress}                            | /service/type                | LoadBalancer",
        "unknown traffic policy     | service: {externalTrafficPolicy: Global}            | /service/externalTrafficPolicy | Local",
        "misspelt service value     | service: {loadbalancerIP: 203.0.113.7}              | loadbalancerIP               | additional properties",
        "source range without mask  | service: {loadBalancerSourceRanges: [10.0.0.1]}      | /service/loadBalancerSourceRanges/0 | pattern",
        "network name with a space  | `networks: [{name: \"my lan\"}]`                    | /networks/0/name             | pattern",
        "network name of 33 bytes   | `networks: [{name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}]` | /networks/0/name         | pattern",
        "network without a name     | `networks: [{key: \"\"}]`                           | /networks/0                  | name",
        "no network at all          | `networks: []`                                      | /networks                    | minItems",
        "network key not 32 bytes   | `networks: [{name: lab, key: c2hvcnQ=}]`            | /networks/0/key              | pattern",
        "allowed client not a key   | `networks: [{name: lab, allowedClients: [laptop]}]` | /networks/0/allowedClients/0 | pattern",
        "switch key not 32 bytes    | secret: {privateKey: abc}                           | /secret/privateKey           | pattern",
        "API token too short        | secret: {apiToken: abc}                             | /secret/apiToken             | pattern",
        "existing Secret bad name   | existingSecret: My_Secret                           | /existingSecret              | pattern",
        "unknown pull policy        | image: {pullPolicy: Sometimes}                      | /image/pullPolicy            | IfNotPresent",
        "image repository with host | image: {repository: Registry.Example/vswitch}       | /image/repository            | pattern",
        "bad digest                 | image: {digest: latest}                             | /image/digest                | pattern",
        "public endpoint no port    | switch: {publicEndpoint: vpn.example.org}           | /switch/publicEndpoint       | pattern",
        "relative key dir           | switch: {keyDir: keys}                              | /switch/keyDir               | pattern",
        "setting outside vswitch    | `switch: {config: {java.home: /x}}`                 | 'java.home'                  | does not match pattern",
        "scrape interval in words   | serviceMonitor: {interval: 30 seconds}              | /serviceMonitor/interval     | pattern",
        "negative probe period      | probes: {liveness: {periodSeconds: 0}}              | /probes/liveness/periodSeconds | minimum",
        "PDB as text                | podDisruptionBudget: {maxUnavailable: one}          | /podDisruptionBudget/maxUnavailable | one",
        "unknown anti-affinity      | cluster: {podAntiAffinity: always}                  | /cluster/podAntiAffinity     | preferred",
        "topology key with a space  | `cluster: {topologyKey: \"my zone\"}`               | /cluster/topologyKey         | pattern",
        "misspelt cluster value     | cluster: {antiAffinity: required}                   | antiAffinity                 | additional properties",
        "cluster secret not 32 bytes| secret: {clusterSecret: c2hvcnQ=}                   | /secret/clusterSecret        | pattern",
        "cluster domain in capitals | clusterDomain: Cluster.Local                        | /clusterDomain               | pattern",
    })
    void schemaRefusesWithThePathOfTheValue(String what, String values, String path, String detail) {
        String message = Chart.rejection(values);
        assertTrue(message.contains("values don't meet the specifications of the schema"), what + ": not the schema: " + message);
        assertTrue(message.contains(path), what + ": the message names " + path + ": " + message);
        assertTrue(message.contains(detail), what + ": the message says " + detail + ": " + message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "two networks of one name   | `networks: [{name: lab}, {name: lab}]`              | networks: the name \"lab\" appears twice",
        "legacy port = secure port  | switch: {legacyPort: 9999}                          | switch.legacyPort must differ from switch.port",
        "HTTP port = UDP port       | switch: {httpPort: 9999}                            | switch.httpPort must differ from switch.port",
        "both PDB limits            | podDisruptionBudget: {minAvailable: 1}              | set either minAvailable or maxUnavailable, not both",
        "no PDB limit               | podDisruptionBudget: {maxUnavailable: null}         | set minAvailable or maxUnavailable",
        "node port on ClusterIP     | service: {type: ClusterIP, nodePort: 31999}         | service.nodePort is for service.type NodePort or LoadBalancer",
        "legacy node port alone     | service: {type: NodePort, legacyNodePort: 31998}    | service.legacyNodePort needs switch.legacyPort",
        "setting the chart owns     | `switch: {config: {vswitch.port: 1}}`              | switch.config: set vswitch.port through switch.port",
        "key in switch.config       | `switch: {config: {vswitch.networks.\"x\".key: k}}` | switch.config: network keys and allowed clients go in networks",
        "cluster secret in config   | `switch: {config: {vswitch.cluster.secret: s}}`    | switch.config: set vswitch.cluster.secret through secret.clusterSecret",
        "peer DNS name in config    | `switch: {config: {vswitch.cluster.dns: x.y}}`     | switch.config: set vswitch.cluster.dns through replicaCount",
        "Deployment strategy, 3 pods| `{replicaCount: 3, strategy: {type: Recreate}}`    | strategy is the Deployment's, for one replica; with replicaCount > 1 set cluster.updateStrategy",
    })
    void chartChecksRefuseCombinationsInASentence(String what, String values, String message) {
        String refusal = Chart.rejection(values);
        assertTrue(refusal.contains(message), what + ": " + refusal);
    }
}
