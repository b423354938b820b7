package dev.vswitch.deploy;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.vswitch.deploy.ChartDefaultsTest.assertKey;
import static dev.vswitch.deploy.ChartDefaultsTest.decode;
import static dev.vswitch.deploy.ChartDefaultsTest.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale-out: with replicaCount above 1 the chart runs a cluster of replicas (README "Scale-out") instead of one
 * switch: a StatefulSet, a headless Service through which the replicas find each other, the same keys and
 * cluster secret in every pod, anti-affinity, a budget that keeps all but one running, and a UDP Service that
 * keeps each client on one replica.
 */
class ChartClusterTest {

    private static final String PEER_SERVICE = Chart.FULLNAME + "-peer";
    private static final Map<String, String> SELECTOR = Map.of(
            "app.kubernetes.io/name", "vswitch", "app.kubernetes.io/instance", Chart.RELEASE);

    private static Manifests cluster;

    @BeforeAll
    static void render() {
        cluster = Manifests.validate(Chart.render("replicaCount: 3").objects(), null);
    }

    @Test
    void aStatefulSetOfReplicasReplacesTheDeployment() {
        Set<String> kinds = cluster.objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).collect(Collectors.toSet());
        assertEquals(Set.of("StatefulSet demo-vswitch", "Service demo-vswitch", "Service demo-vswitch-http", "Service " + PEER_SERVICE,
                "Secret demo-vswitch", "ConfigMap demo-vswitch", "ServiceAccount demo-vswitch",
                "PodDisruptionBudget demo-vswitch"), kinds);
        StatefulSet statefulSet = cluster.statefulSet();
        assertEquals(3, statefulSet.getSpec().getReplicas());
        assertEquals(PEER_SERVICE, statefulSet.getSpec().getServiceName(), "pods get DNS names under the peer Service");
        assertEquals("Parallel", statefulSet.getSpec().getPodManagementPolicy(), "no replica waits for another to start");
        assertNull(statefulSet.getSpec().getUpdateStrategy(), "Kubernetes' default: rolling, one replica at a time");
        assertEquals(SELECTOR, statefulSet.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theReplicasPodIsTheSingleSwitchsPodPlusTheClusterSettings() {
        Manifests single = Manifests.validate(Chart.render("{}").objects(), null);
        var clustered = cluster.podTemplate().getSpec();
        var alone = single.podTemplate().getSpec();
        assertEquals(alone.getSecurityContext(), clustered.getSecurityContext());
        assertEquals(alone.getVolumes(), clustered.getVolumes());
        var container = cluster.container();
        assertEquals(single.container().getSecurityContext(), container.getSecurityContext());
        assertEquals(single.container().getPorts(), container.getPorts());
        assertEquals(single.container().getReadinessProbe(), container.getReadinessProbe());
        assertEquals(single.container().getVolumeMounts(), container.getVolumeMounts());
        List<String> added = container.getEnv().stream().map(EnvVar::getName)
                .filter(name -> single.container().getEnv().stream().noneMatch(e -> e.getName().equals(name))).toList();
        assertEquals(List.of("VSWITCH_CLUSTER_DNS"), added);
    }

    @Test
    void peerServiceIsHeadlessAndListsReplicasBeforeTheyAreReady() {
        Service peers = cluster.named(Service.class, PEER_SERVICE);
        assertEquals("None", peers.getSpec().getClusterIP(), "headless: DNS answers with every replica's address");
        assertEquals(Boolean.TRUE, peers.getSpec().getPublishNotReadyAddresses(), "a starting replica is found at once");
        assertNull(peers.getSpec().getType());
        assertEquals(SELECTOR, peers.getSpec().getSelector());
        assertEquals(1, peers.getSpec().getPorts().size());
        ServicePort port = peers.getSpec().getPorts().get(0);
        assertEquals("UDP", port.getProtocol());
        assertEquals(9999, port.getPort(), "vswitch.cluster.peer-port is left to default to the switch's own port");
        assertEquals("udp", port.getTargetPort().getStrVal());
    }

    @Test
    void replicasFindEachOtherByThePeerServicesName() {
        assertEquals(PEER_SERVICE + ".net.svc.cluster.local", env(cluster, "VSWITCH_CLUSTER_DNS"));
        Manifests otherDomain = Manifests.validate(Chart.render("""
                replicaCount: 2
                clusterDomain: k8s.example.internal
                switch: {port: 51820}
                """).objects(), null);
        assertEquals(PEER_SERVICE + ".net.svc.k8s.example.internal", env(otherDomain, "VSWITCH_CLUSTER_DNS"));
        assertEquals(51820, otherDomain.named(Service.class, PEER_SERVICE).getSpec().getPorts().get(0).getPort());
    }

    @Test
    void everyReplicaMountsTheSameKeysAndTheClusterSecret() throws IOException {
        Volume volume = cluster.podTemplate().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
        assertEquals(Chart.FULLNAME, volume.getSecret().getSecretName(), "one Secret for all replicas");
        assertTrue(env(cluster, "SMALLRYE_CONFIG_LOCATIONS").endsWith("/etc/vswitch/secret/vswitch-secret.properties"));

        Secret secret = cluster.only(Secret.class);
        Properties keys = properties(decode(secret.getData().get("vswitch-secret.properties")));
        assertKey(keys.getProperty("vswitch.cluster.secret"));
        assertEquals(keys.getProperty("vswitch.cluster.secret"), decode(secret.getData().get("cluster.secret")),
                "kept in an entry of its own for the next upgrade, like the other keys");
        assertKey(keys.getProperty("vswitch.private-key"));
        assertKey(keys.getProperty("vswitch.networks.\"default\".key"));
        Set<String> distinct = Set.of(keys.getProperty("vswitch.cluster.secret"), keys.getProperty("vswitch.private-key"),
                keys.getProperty("vswitch.networks.\"default\".key"));
        assertEquals(3, distinct.size(), "the cluster secret is a key of its own");
    }

    @Test
    void aGivenClusterSecretIsUsedAsGiven() throws IOException {
        String given = "c2NhbGUtb3V0IHRlc3Qgc2VjcmV0LCBub3QgYSBrZXk=";
        Manifests manifests = Manifests.validate(Chart.render("replicaCount: 2\nsecret: {clusterSecret: \"" + given + "\"}").objects(), null);
        Secret secret = manifests.only(Secret.class);
        assertEquals(given, properties(decode(secret.getData().get("vswitch-secret.properties"))).getProperty("vswitch.cluster.secret"));
    }

    @Test
    void replicasPreferDifferentNodes() {
        Affinity affinity = cluster.podTemplate().getSpec().getAffinity();
        assertTrue(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty());
        var preferred = affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertEquals(1, preferred.size());
        assertEquals(100, preferred.get(0).getWeight());
        assertSpreadsReplicas(preferred.get(0).getPodAffinityTerm(), "kubernetes.io/hostname");
    }

    @Test
    void antiAffinityCanBeRequiredPerZoneOrLeftOut() {
        Affinity required = Manifests.validate(Chart.render("""
                replicaCount: 3
                cluster: {podAntiAffinity: required, topologyKey: topology.kubernetes.io/zone}
                """).objects(), null).podTemplate().getSpec().getAffinity();
        assertTrue(required.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty());
        assertEquals(1, required.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().size());
        assertSpreadsReplicas(required.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().get(0),
                "topology.kubernetes.io/zone");

        var none = Manifests.validate(Chart.render("replicaCount: 3\ncluster: {podAntiAffinity: none}").objects(), null);
        assertNull(none.podTemplate().getSpec().getAffinity());
    }

    @Test
    void givenAffinityIsKeptAndItsOwnAntiAffinityWins() {
        Affinity withNodes = Manifests.validate(Chart.render("""
                replicaCount: 3
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms: [{matchExpressions: [{key: vpn, operator: Exists}]}]
                """).objects(), null).podTemplate().getSpec().getAffinity();
        assertEquals("vpn", withNodes.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getKey());
        assertEquals(1, withNodes.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().size(), "and the replicas' own");

        Affinity own = Manifests.validate(Chart.render("""
                replicaCount: 3
                affinity:
                  podAntiAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      - topologyKey: kubernetes.io/hostname
                        labelSelector: {matchLabels: {team: net}}
                """).objects(), null).podTemplate().getSpec().getAffinity();
        assertTrue(own.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty());
        assertEquals(Map.of("team", "net"), own.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .get(0).getLabelSelector().getMatchLabels());
    }

    @Test
    void disruptionBudgetKeepsAllReplicasButOneRunning() {
        PodDisruptionBudget budget = cluster.only(PodDisruptionBudget.class);
        assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
        assertNull(budget.getSpec().getMinAvailable());
        assertEquals(SELECTOR, budget.getSpec().getSelector().getMatchLabels());

        PodDisruptionBudget minimum = Manifests.validate(Chart.render("""
                replicaCount: 3
                podDisruptionBudget: {minAvailable: 2, maxUnavailable: null}
                """).objects(), null).only(PodDisruptionBudget.class);
        assertEquals(2, minimum.getSpec().getMinAvailable().getIntVal());
        assertNull(minimum.getSpec().getMaxUnavailable());
    }

    @Test
    void loadBalancerKeepsEachClientOnOneReplica() {
        Service udp = cluster.named(Service.class, Chart.FULLNAME);
        assertEquals("LoadBalancer", udp.getSpec().getType());
        assertEquals("ClientIP", udp.getSpec().getSessionAffinity(), "a vport's session lives on the replica it joined");
        assertEquals("Local", udp.getSpec().getExternalTrafficPolicy(), "the client's own address, for affinity and rate limits");
        assertEquals(SELECTOR, udp.getSpec().getSelector(), "every replica takes clients");
        assertNull(cluster.named(Service.class, Chart.FULLNAME + "-http").getSpec().getSessionAffinity());
    }

    @Test
    void serviceMonitorScrapesTheHttpServiceNotThePeerOne() {
        Manifests manifests = Manifests.validate(Chart.render("replicaCount: 3\nserviceMonitor: {enabled: true}").objects(), null);
        ServiceMonitor monitor = manifests.only(ServiceMonitor.class);
        assertFalse(ApiRules.selects(monitor.getSpec().getSelector().getMatchLabels(),
                manifests.named(Service.class, PEER_SERVICE).getMetadata().getLabels()));
    }

    @Test
    void updateStrategyIsTheStatefulSets() {
        StatefulSet statefulSet = Manifests.validate(Chart.render("""
                replicaCount: 3
                cluster:
                  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}
                """).objects(), null).statefulSet();
        assertEquals("RollingUpdate", statefulSet.getSpec().getUpdateStrategy().getType());
        assertEquals(1, statefulSet.getSpec().getUpdateStrategy().getRollingUpdate().getPartition());
    }

    @Test
    void existingSecretServesEveryReplica() {
        Manifests manifests = Manifests.validate(Chart.render("replicaCount: 3\nkeys: {mode: existingSecret}\nexistingSecret: my-vswitch-keys").objects(), "my-vswitch-keys");
        assertTrue(manifests.all(Secret.class).isEmpty());
        Volume volume = manifests.podTemplate().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
        assertEquals("my-vswitch-keys", volume.getSecret().getSecretName());
    }

    @Test
    void longReleaseNamesStayWithinKubernetesLimits() {
        String release = "long-" + "x".repeat(48);
        Manifests manifests = Manifests.validate(Chart.render(release, "replicaCount: 3").objects(), null);
        StatefulSet statefulSet = manifests.statefulSet();
        assertTrue(statefulSet.getMetadata().getName().length() <= 52, "room for the pods' controller-revision-hash label");
        String peerService = statefulSet.getSpec().getServiceName();
        assertTrue(peerService.length() <= 63, peerService);
        assertEquals(peerService + ".net.svc.cluster.local", env(manifests, "VSWITCH_CLUSTER_DNS"));
    }

    @Test
    void oneReplicaIsOneSwitchWithoutClusterParts() throws IOException {
        Manifests single = Manifests.validate(Chart.render("replicaCount: 1").objects(), null);
        assertEquals(1, single.all(Deployment.class).size());
        assertTrue(single.all(StatefulSet.class).isEmpty(), "no StatefulSet");
        assertTrue(single.all(Service.class).stream().noneMatch(s -> "None".equals(s.getSpec().getClusterIP())), "no headless Service");
        assertNull(single.named(Service.class, Chart.FULLNAME).getSpec().getSessionAffinity());
        assertTrue(single.container().getEnv().stream().noneMatch(e -> e.getName().startsWith("VSWITCH_CLUSTER")));
        assertNull(single.podTemplate().getSpec().getAffinity());
        Secret secret = single.only(Secret.class);
        assertFalse(secret.getData().containsKey("cluster.secret"));
        assertNull(properties(decode(secret.getData().get("vswitch-secret.properties"))).getProperty("vswitch.cluster.secret"));
    }

    private static void assertSpreadsReplicas(PodAffinityTerm term, String topologyKey) {
        assertEquals(topologyKey, term.getTopologyKey());
        assertEquals(SELECTOR, term.getLabelSelector().getMatchLabels(), "apart from the other replicas of this release");
    }

    private static String env(Manifests manifests, String name) {
        return manifests.container().getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }
}
