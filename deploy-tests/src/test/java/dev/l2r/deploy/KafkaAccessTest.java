package dev.l2r.deploy;

import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.events.LeadStageChanged;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka in prod: clients reach the brokers only over TLS with a SCRAM-SHA-512 login, each service as its own
 * KafkaUser whose ACLs allow what the service does and nothing more, on a Kafka version the pinned Strimzi runs.
 */
class KafkaAccessTest {

    /** The Strimzi release the prod overlay is written for (deploy/README.md) and the Kafka versions it runs. */
    static final String STRIMZI = "1.2";
    /** From Strimzi's kafka-versions.yaml at tag 1.2.0: supported: true. */
    static final Set<String> STRIMZI_KAFKA_VERSIONS = Set.of("4.2.0", "4.2.1", "4.3.0", "4.3.1");

    /** The compacted topic of API key changes: lead-service writes it, every other service reads it. */
    static final String API_KEYS = "api-keys";

    /** What each service's KafkaUser may write and read (topics), beside what the configuration says below. */
    static final Map<String, Set<String>> WRITES = Map.of(
            "lead-service", Set.of(LeadStageChanged.TOPIC, FunnelDefinitionChanged.TOPIC, API_KEYS),
            "funnel-service", Set.of("lead-stage-changed-dlq-funnel"),
            "forecast-service", Set.of("lead-stage-changed-dlq-forecast"));
    static final Map<String, Set<String>> READS = Map.of(
            // every replica of every service follows the API keys (platform's ApiKeyFeed), lead-service included
            "lead-service", Set.of(API_KEYS),
            "funnel-service", Set.of(LeadStageChanged.TOPIC, FunnelDefinitionChanged.TOPIC, API_KEYS),
            "forecast-service", Set.of(LeadStageChanged.TOPIC, FunnelDefinitionChanged.TOPIC, API_KEYS));

    static GenericKubernetesResource kafka(Rendered r) {
        List<GenericKubernetesResource> kafkas = r.custom("Kafka");
        assertThat(kafkas).hasSize(1);
        return kafkas.get(0);
    }

    /** The port of the listener clients use: TLS with SCRAM-SHA-512 logins (and the only listener there is). */
    static int clientListenerPort(GenericKubernetesResource kafka) {
        List<Map<String, Object>> listeners = Rendered.nested(kafka, "spec", "kafka", "listeners");
        for (Map<String, Object> listener : listeners) {
            assertThat(listener.get("tls")).as("listener %s encrypts", listener.get("name")).isEqualTo(true);
            @SuppressWarnings("unchecked")
            Map<String, Object> authentication = (Map<String, Object>) listener.get("authentication");
            assertThat(authentication).as("listener %s authenticates", listener.get("name")).isNotNull();
            assertThat(authentication.get("type")).isEqualTo("scram-sha-512");
        }
        assertThat(listeners).hasSize(1);
        return ((Number) listeners.get(0).get("port")).intValue();
    }

    @Test
    void prodBrokersAcceptOnlyTlsWithALoginAndAuthorizeEveryRequest() throws Exception {
        Rendered r = KubernetesManifestsTest.rendered("prod");
        GenericKubernetesResource kafka = kafka(r);
        clientListenerPort(kafka);
        assertThat(Rendered.<String>nested(kafka, "spec", "kafka", "authorization", "type")).isEqualTo("simple");
        assertThat(Rendered.<Object>nested(kafka, "spec", "kafka", "authorization", "superUsers"))
                .as("no service is a super user").isNull();
        assertThat(Rendered.<Object>nested(kafka, "spec", "entityOperator", "userOperator")).isNotNull();
        // only the services' pods may open a connection to the listener (Strimzi writes the NetworkPolicy)
        List<Map<String, Object>> listeners = Rendered.nested(kafka, "spec", "kafka", "listeners");
        assertThat(String.valueOf(listeners.get(0).get("networkPolicyPeers"))).contains(Repo.SERVICES);
    }

    @Test
    void prodRunsAKafkaVersionThePinnedStrimziSupportsAndSaysWhich() throws Exception {
        GenericKubernetesResource kafka = kafka(KubernetesManifestsTest.rendered("prod"));
        String version = Rendered.nested(kafka, "spec", "kafka", "version");
        assertThat(version).isIn(STRIMZI_KAFKA_VERSIONS);
        String minor = version.substring(0, version.lastIndexOf('.'));
        assertThat(Rendered.<String>nested(kafka, "spec", "kafka", "metadataVersion")).startsWith(minor + "-IV");
        String readme = Repo.read("deploy/README.md");
        assertThat(readme).contains("Strimzi " + STRIMZI).contains("Kafka " + version);
    }

    @Test
    void prodKafkaNodesNeverShareAKubernetesNode() throws Exception {
        for (GenericKubernetesResource pool : KubernetesManifestsTest.rendered("prod").custom("KafkaNodePool")) {
            List<Map<String, Object>> required = Rendered.nested(pool, "spec", "template", "pod", "affinity",
                    "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution");
            assertThat(required).as("pod anti-affinity of node pool %s", pool.getMetadata().getName()).isNotNull()
                    .anyMatch(term -> "kubernetes.io/hostname".equals(term.get("topologyKey"))
                            && String.valueOf(term.get("labelSelector"))
                            .contains("strimzi.io/pool-name=" + pool.getMetadata().getName()));
        }
    }

    @Test
    void prodServicesLogInAsTheirKafkaUserAndTrustTheClusterCa() throws Exception {
        Rendered r = KubernetesManifestsTest.rendered("prod");
        String cluster = kafka(r).getMetadata().getName();
        Map<String, GenericKubernetesResource> users = users(r);
        for (String service : Repo.SERVICES) {
            Container c = r.container(service);
            Map<String, String> env = r.environment(c);
            assertThat(env).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12")
                    // the Secret Strimzi writes for the KafkaUser, named like it
                    .containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret:" + service + "/sasl.jaas.config")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_PASSWORD", "secret:" + cluster + "-cluster-ca-cert/ca.password");
            assertThat(users).containsKey(service);
            assertThat(Rendered.<String>nested(users.get(service), "spec", "authentication", "type")).isEqualTo("scram-sha-512");

            // the truststore file is ca.p12 of the cluster CA Secret, mounted read-only
            Path truststore = Path.of(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"));
            PodSpec pod = r.get(Deployment.class, service).getSpec().getTemplate().getSpec();
            VolumeMount mount = c.getVolumeMounts().stream()
                    .filter(m -> truststore.getParent().equals(Path.of(m.getMountPath()))).findFirst()
                    .orElseThrow(() -> new AssertionError(service + ": nothing mounted at " + truststore.getParent()));
            assertThat(mount.getReadOnly()).isTrue();
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            assertThat(volume.getSecret().getSecretName()).isEqualTo(cluster + "-cluster-ca-cert");
            assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey, KeyToPath::getPath)
                    .contains(org.assertj.core.groups.Tuple.tuple("ca.p12", truststore.getFileName().toString()));
        }
    }

    static Map<String, GenericKubernetesResource> users(Rendered r) {
        Map<String, GenericKubernetesResource> users = new TreeMap<>();
        String cluster = kafka(r).getMetadata().getName();
        for (GenericKubernetesResource user : r.custom("KafkaUser")) {
            assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
            users.put(user.getMetadata().getName(), user);
        }
        return users;
    }

    record Acl(String type, String name, String pattern, Set<String> operations) {
        boolean covers(String resourceType, String resourceName) {
            return type.equals(resourceType)
                    && (pattern.equals("literal") ? name.equals(resourceName) : resourceName.startsWith(name));
        }
    }

    @SuppressWarnings("unchecked")
    static List<Acl> acls(GenericKubernetesResource user) {
        assertThat(Rendered.<String>nested(user, "spec", "authorization", "type")).isEqualTo("simple");
        List<Acl> acls = new ArrayList<>();
        for (Map<String, Object> rule : Rendered.<List<Map<String, Object>>>nested(user, "spec", "authorization", "acls")) {
            assertThat(rule.getOrDefault("type", "allow")).isEqualTo("allow");
            assertThat(rule.getOrDefault("host", "*")).isEqualTo("*");
            Map<String, Object> resource = (Map<String, Object>) rule.get("resource");
            acls.add(new Acl((String) resource.get("type"), (String) resource.get("name"),
                    (String) resource.getOrDefault("patternType", "literal"), new TreeSet<>((List<String>) rule.get("operations"))));
        }
        return acls;
    }

    @Test
    void prodKafkaUsersMayDoWhatTheirServiceDoesAndNothingElse() throws Exception {
        Rendered r = KubernetesManifestsTest.rendered("prod");
        Map<String, GenericKubernetesResource> users = users(r);
        assertThat(users.keySet()).containsExactlyInAnyOrderElementsOf(Repo.SERVICES);
        Set<String> topics = new TreeSet<>();
        r.custom("KafkaTopic").forEach(t -> topics.add(t.getMetadata().getName()));
        for (String service : Repo.SERVICES) {
            ServiceConfig config = ServiceConfig.of(service);
            Map<String, String> env = r.environment(r.container(service));
            List<Acl> acls = acls(users.get(service));
            Set<String> written = new TreeSet<>();
            Set<String> read = new TreeSet<>();
            for (Acl acl : acls) {
                String what = service + " " + acl;
                assertThat(acl.type()).as(what).isIn("topic", "group");
                assertThat(acl.operations()).as("%s: no Create, Delete, Alter or All (Strimzi owns the topics)", what)
                        .isSubsetOf("Read", "Write", "Describe");
                if (acl.type().equals("topic")) {
                    assertThat(acl.pattern()).as("%s: topics by their name", what).isEqualTo("literal");
                    assertThat(topics).as("%s: a topic of the overlay", what).contains(acl.name());
                    if (acl.operations().contains("Write")) {
                        written.add(acl.name());
                    }
                    if (acl.operations().contains("Read")) {
                        read.add(acl.name());
                    }
                } else {
                    // a group ACL of a service covers only groups named after it
                    assertThat(acl.name()).as(what).startsWith(service);
                    assertThat(acl.operations()).as(what).doesNotContain("Write");
                }
            }
            assertThat(written).as("%s writes", service).isEqualTo(WRITES.get(service));
            assertThat(read).as("%s reads", service).isEqualTo(READS.get(service));
            // and what its configuration names is among them
            assertThat(written).as("%s: topics its configuration writes", service).containsAll(config.topicsWritten(env));
            assertThat(read).as("%s: topics its consumers read", service).containsAll(config.topicsRead(env));
            for (String group : config.consumerGroups(env)) {
                assertThat(acls).as("%s: Read on its consumer group %s", service, group)
                        .anyMatch(a -> a.covers("group", group) && a.operations().contains("Read"));
            }
            if (!config.consumes()) {
                assertThat(acls).as("%s joins no group", service).noneMatch(a -> a.type().equals("group"));
            }
        }
        // only lead-service writes the event stream
        for (String service : Repo.SERVICES) {
            if (!service.equals("lead-service")) {
                assertThat(WRITES.get(service)).doesNotContain(LeadStageChanged.TOPIC, FunnelDefinitionChanged.TOPIC, API_KEYS);
            }
        }
    }
}
