package dev.l2r.deploy;

import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.events.LeadStageChanged;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders base, dev and prod with {@code kubectl kustomize} and checks them against what the services read
 * (their application.properties), what the build makes (image names and versions) and what the code uses
 * (topics). Each check names the overlay and service it failed for.
 */
class KubernetesManifestsTest {

    /** RSS of the packaged services under light load, measured as deploy/README.md describes (KiB). */
    static final Map<String, Long> MEASURED_RSS_KIB = Map.of(
            "lead-service", 384_864L, "funnel-service", 294_864L, "forecast-service", 291_044L);

    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

    static Rendered rendered(String overlay) throws Exception {
        Rendered r = RENDERED.get(overlay);
        if (r == null) {
            r = Rendered.of(overlay);
            RENDERED.put(overlay, r);
        }
        return r;
    }

    /** Every topic the code names: the event contract's topics, the services' configuration, dead letters. */
    static Set<String> topicsTheCodeUses() {
        Set<String> topics = new TreeSet<>(Set.of(LeadStageChanged.TOPIC, FunnelDefinitionChanged.TOPIC,
                "lead-stage-changed-dlq-funnel", "lead-stage-changed-dlq-forecast"));
        Repo.SERVICES.forEach(s -> topics.addAll(ServiceConfig.of(s).topics()));
        return topics;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "prod"})
    void everyServiceHasItsObjectsTypedAndWiredTogether(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        for (String service : Repo.SERVICES) {
            Deployment deployment = r.get(Deployment.class, service);
            Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector);

            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(r.find(ServiceAccount.class, pod.getServiceAccountName())).as("%s %s service account", overlay, service).isPresent();
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();

            Service svc = r.get(Service.class, service);
            assertThat(svc.getSpec().getSelector()).isEqualTo(selector);

            PodDisruptionBudget pdb = r.get(PodDisruptionBudget.class, service);
            assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);

            NetworkPolicy policy = r.get(NetworkPolicy.class, service);
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(selector);
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        }
        if (!overlay.equals("base")) {
            assertThat(r.all(Namespace.class)).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "prod"})
    void everyVariableAServiceReadsIsSetAndNothingElse(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        for (String service : Repo.SERVICES) {
            ServiceConfig config = ServiceConfig.of(service);
            Map<String, String> env = r.environment(r.container(service));
            Set<String> required = new TreeSet<>(config.envNames());
            if ("PLAINTEXT".equals(env.get("KAFKA_SECURITY_PROTOCOL"))) {
                // a PLAINTEXT broker (dev) has no logins and no CA: what is set of these must be empty
                required.removeAll(ServiceConfig.KAFKA_SECURITY);
                ServiceConfig.KAFKA_SECURITY.stream().filter(env::containsKey).forEach(name ->
                        assertThat(env.get(name)).as("%s %s: %s with PLAINTEXT", overlay, service, name).isEmpty());
            }
            assertThat(env.keySet()).as("%s: variables %s reads but its Deployment does not set", overlay, service)
                    .containsAll(required);
            assertThat(config.envNames()).as("%s: variables %s's Deployment sets but it never reads", overlay, service)
                    .containsAll(env.keySet());
            env.forEach((name, how) -> {
                boolean fromSecret = how != null && how.startsWith("secret:");
                assertThat(fromSecret).as("%s %s: %s must %s a Secret", overlay, service, name,
                        ServiceConfig.isCredential(name) ? "come from" : "not come from")
                        .isEqualTo(ServiceConfig.isCredential(name));
            });
        }
    }

    /** The dashboard as the services: every variable it reads set, nothing else, the session key from a Secret. */
    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "prod"})
    void theDashboardIsSetForEverythingItReadsAndReachesTheServices(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        ServiceConfig config = ServiceConfig.of(Repo.DASHBOARD);
        Container c = r.container(Repo.DASHBOARD);
        Map<String, String> env = r.environment(c);
        assertThat(env.keySet()).as("%s: variables the dashboard reads but its Deployment does not set", overlay)
                .containsAll(config.envNames());
        assertThat(config.envNames()).as("%s: variables the dashboard's Deployment sets but it never reads", overlay)
                .containsAll(env.keySet());
        env.forEach((name, how) -> assertThat(how != null && how.startsWith("secret:"))
                .as("%s dashboard: %s from a Secret", overlay, name).isEqualTo(ServiceConfig.isCredential(name)));
        assertThat(c.getImage()).isEqualTo(Repo.image(Repo.DASHBOARD));
        // the relay's addresses are the services' Services and ports
        for (String service : Repo.SERVICES) {
            String variable = switch (service) {
                case "lead-service" -> "L2R_LEAD_URL";
                case "funnel-service" -> "L2R_FUNNEL_URL";
                default -> "L2R_FORECAST_URL";
            };
            java.net.URI url = java.net.URI.create(env.get(variable));
            assertThat(url.getHost()).as("%s %s", overlay, variable).isEqualTo(service);
            io.fabric8.kubernetes.api.model.Service target = r.get(io.fabric8.kubernetes.api.model.Service.class, service);
            assertThat(target.getSpec().getPorts()).as("%s: %s's Service has the port %s names", overlay, service, variable)
                    .anyMatch(p -> p.getPort() == url.getPort() && "http".equals(p.getName()));
        }
        if (!"base".equals(overlay)) {
            assertThat(env.get("L2R_DASHBOARD_SECURE_COOKIE")).as("%s: cookie over HTTPS only", overlay)
                    .isEqualTo("prod".equals(overlay) ? "true" : "false");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "prod"})
    void portsProbesImagesAndResourcesMatchTheServices(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        for (String service : Repo.SERVICES) {
            ServiceConfig config = ServiceConfig.of(service);
            Container c = r.container(service);
            Map<String, String> env = r.environment(c);
            String what = overlay + " " + service;

            assertThat(c.getImage()).as("%s image", what).isEqualTo(Repo.image(service));
            int port = Integer.parseInt(env.get("PORT"));
            assertThat(port).as("%s PORT", what).isEqualTo(config.httpPort());
            ContainerPort http = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow();
            assertThat(http.getContainerPort()).isEqualTo(port);
            ServicePort servicePort = r.get(Service.class, service).getSpec().getPorts().get(0);
            assertThat(servicePort.getPort()).as("%s Service port", what).isEqualTo(port);
            assertThat(servicePort.getTargetPort().getStrVal()).isEqualTo("http");

            // metrics: the management interface, on its own port, named for the ServiceMonitor and the NetworkPolicy
            int management = Integer.parseInt(env.get("L2R_MANAGEMENT_PORT"));
            assertThat(management).as("%s L2R_MANAGEMENT_PORT", what).isEqualTo(config.managementPort()).isNotEqualTo(port);
            ContainerPort managementPort = c.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(what + ": no container port named management"));
            assertThat(managementPort.getContainerPort()).isEqualTo(management);
            ServicePort serviceManagement = r.get(Service.class, service).getSpec().getPorts().stream()
                    .filter(p -> "management".equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(what + ": the Service has no port named management"));
            assertThat(serviceManagement.getTargetPort().getStrVal()).isEqualTo("management");

            assertThat(probe(c.getStartupProbe().getHttpGet())).isEqualTo("/q/health/started@http");
            assertThat(probe(c.getLivenessProbe().getHttpGet())).isEqualTo("/q/health/live@http");
            assertThat(probe(c.getReadinessProbe().getHttpGet())).isEqualTo("/q/health/ready@http");
            Duration kafkaTimeout = ServiceConfig.duration(env.get("L2R_HEALTH_KAFKA_TIMEOUT"));
            assertThat(Duration.ofSeconds(c.getReadinessProbe().getTimeoutSeconds()))
                    .as("%s readiness probe outlasts the Kafka check", what).isGreaterThan(kafkaTimeout);

            Duration shutdown = ServiceConfig.duration(env.get("L2R_SHUTDOWN_DELAY"))
                    .plus(ServiceConfig.duration(env.get("L2R_SHUTDOWN_TIMEOUT")));
            long grace = r.get(Deployment.class, service).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
            assertThat(Duration.ofSeconds(grace)).as("%s grace period covers delay + timeout", what)
                    .isGreaterThanOrEqualTo(shutdown.plusSeconds(5));

            Map<String, String> annotations = r.get(Deployment.class, service).getSpec().getTemplate().getMetadata().getAnnotations();
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/q/metrics").containsEntry("prometheus.io/port", String.valueOf(management));

            Map<String, Quantity> requests = c.getResources().getRequests();
            Map<String, Quantity> limits = c.getResources().getLimits();
            assertThat(requests).containsKeys("cpu", "memory");
            assertThat(limits).containsKeys("memory");
            long measured = MEASURED_RSS_KIB.get(service) * 1024;
            assertThat(Quantity.getAmountInBytes(requests.get("memory")).longValue())
                    .as("%s memory request covers the measured RSS", what).isGreaterThanOrEqualTo(measured);
            assertThat(Quantity.getAmountInBytes(limits.get("memory")).longValue())
                    .as("%s memory limit leaves headroom over the measured RSS", what).isGreaterThanOrEqualTo(measured * 3 / 2);
        }
    }

    private static String probe(HTTPGetAction get) {
        return get.getPath() + "@" + (get.getPort().getStrVal() != null ? get.getPort().getStrVal() : get.getPort().getIntVal());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPoliciesLetServicesReachKafkaTheirOwnDatabaseDnsAndTheTraceCollectorOnly(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        List<Map<String, String>> pods = r.podLabels();
        for (String service : Repo.SERVICES) {
            NetworkPolicy policy = r.get(NetworkPolicy.class, service);
            Set<Integer> egressPorts = new HashSet<>();
            Set<Integer> kafkaPorts = new HashSet<>();
            for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
                assertThat(rule.getTo()).as("%s %s: an egress rule without 'to' reaches anything", overlay, service).isNotEmpty();
                assertThat(rule.getPorts()).as("%s %s: an egress rule without ports", overlay, service).isNotEmpty();
                rule.getPorts().stream().map(NetworkPolicyPort::getPort).forEach(p -> egressPorts.add(p.getIntVal()));
                for (NetworkPolicyPeer peer : rule.getTo()) {
                    if (peer.getNamespaceSelector() != null) {
                        // another namespace: DNS, or the OpenTelemetry Collector's namespace on the OTLP ports only
                        if (TELEMETRY.equals(peer.getNamespaceSelector().getMatchLabels())) {
                            assertThat(peer.getPodSelector()).isNull();
                            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(4317, 4318);
                        } else {
                            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(53);
                        }
                        continue;
                    }
                    Map<String, String> wanted = peer.getPodSelector().getMatchLabels();
                    assertThat(pods).as("%s %s: egress to %s reaches no pod of this overlay", overlay, service, wanted)
                            .anyMatch(labels -> labels != null && labels.entrySet().containsAll(wanted.entrySet()));
                    if (rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() != null
                            && CONSUMER_PORTS.containsValue(p.getPort().getIntVal()))) {
                        // only lead-service calls another service: each consumer's HTTP port, for a person's data
                        assertThat(service).as("%s %s: egress to another service", overlay, service).isEqualTo("lead-service");
                        String consumer = wanted.get("app.kubernetes.io/name");
                        assertThat(wanted).as("%s lead-service: egress to a consumer", overlay).containsOnlyKeys("app.kubernetes.io/name");
                        assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(CONSUMER_PORTS.get(consumer));
                    }
                    if (wanted.containsKey("l2r.dev/kafka")) {
                        rule.getPorts().forEach(p -> kafkaPorts.add(p.getPort().getIntVal()));
                    }
                }
            }
            assertThat(egressPorts).isSubsetOf(9092, 9093, 5432, 53, 4317, 4318, 8082, 8083).contains(5432, 53);
            int bootstrapPort = ServiceConfig.portOf(r.environment(r.container(service)).get("KAFKA_BOOTSTRAP_SERVERS"));
            assertThat(kafkaPorts).as("%s %s: egress to the brokers' port", overlay, service).contains(bootstrapPort);
            // its database label is its own: no other service's database pod carries only this one's label
            NetworkPolicyPeer databasePeer = policy.getSpec().getEgress().stream()
                    .filter(e -> e.getPorts().get(0).getPort().getIntVal() == 5432).findFirst().orElseThrow().getTo().get(0);
            assertThat(databasePeer.getPodSelector().getMatchLabels()).containsOnlyKeys("l2r.dev/postgres-for-" + service);
        }
    }

    /** The consumers' HTTP ports, which lead-service calls for a person's data (docs/privacy.md). */
    static final Map<String, Integer> CONSUMER_PORTS = Map.of("funnel-service", 8082, "forecast-service", 8083);

    /** The namespace label of the OpenTelemetry Collector that the services export traces to. */
    static final Map<String, String> TELEMETRY = Map.of("l2r.dev/telemetry", "true");

    /** Namespace labels that admit callers: the ingress controller's (the API) and Prometheus' (metrics). */
    static final Map<String, String> INGRESS_CONTROLLER = Map.of("l2r.dev/ingress-controller", "true");
    static final Map<String, String> MONITORING = Map.of("l2r.dev/monitoring", "true");

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "prod"})
    void onlyTheIngressControllerAndForAPersonsDataLeadServiceCallTheApiAndOnlyPrometheusTheManagementPort(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        for (String service : Repo.SERVICES) {
            NetworkPolicy policy = r.get(NetworkPolicy.class, service);
            Map<String, Map<String, String>> callers = new java.util.TreeMap<>();
            Set<String> fromLeadService = new HashSet<>();
            Set<String> fromDashboard = new HashSet<>();
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                // a rule without 'from' admits every pod of every namespace, one without ports every port
                assertThat(rule.getFrom()).as("%s %s: ingress rule without 'from'", overlay, service).isNotEmpty();
                assertThat(rule.getPorts()).as("%s %s: ingress rule without ports", overlay, service).isNotEmpty();
                for (NetworkPolicyPort port : rule.getPorts()) {
                    assertThat(rule.getFrom()).as("%s %s: callers of port %s", overlay, service, port.getPort()).hasSize(1);
                    NetworkPolicyPeer peer = rule.getFrom().get(0);
                    if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null
                            && peer.getPodSelector().getMatchLabels().equals(Map.of("app.kubernetes.io/name", Repo.DASHBOARD))) {
                        // the dashboard: its relay of /api/** (http), and the consumers' freshness gauge (management)
                        assertThat(fromDashboard.add(port.getPort().getStrVal())).isTrue();
                        continue;
                    }
                    if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null) {
                        // one pod of this namespace calls another: lead-service, a consumer's API (a person's data)
                        assertThat(CONSUMER_PORTS).as("%s %s: called by a pod of the namespace", overlay, service)
                                .containsKey(service);
                        assertThat(peer.getPodSelector().getMatchLabels())
                                .isEqualTo(Map.of("app.kubernetes.io/name", "lead-service"));
                        assertThat(port.getPort().getStrVal()).isEqualTo("http");
                        assertThat(fromLeadService.add(port.getPort().getStrVal())).isTrue();
                        continue;
                    }
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getPodSelector()).as("%s %s: every pod of the namespace, by its label", overlay, service).isNull();
                    assertThat(peer.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
                    assertThat(callers.put(port.getPort().getStrVal(), peer.getNamespaceSelector().getMatchLabels()))
                            .as("%s %s: port %s in one rule", overlay, service, port.getPort()).isNull();
                }
            }
            assertThat(callers).as("%s %s: who may call which port", overlay, service)
                    .isEqualTo(Map.of("http", INGRESS_CONTROLLER, "management", MONITORING));
            assertThat(fromLeadService).as("%s %s: ports lead-service may call", overlay, service)
                    .isEqualTo(CONSUMER_PORTS.containsKey(service) ? Set.of("http") : Set.of());
            assertThat(fromDashboard).as("%s %s: ports the dashboard may call", overlay, service)
                    .isEqualTo(CONSUMER_PORTS.containsKey(service) ? Set.of("http", "management") : Set.of("http"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "dev", "prod"})
    void aDeploymentAnAutoscalerScalesSetsNoReplicasThatEveryApplyWouldReset(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        for (HorizontalPodAutoscaler hpa : r.all(HorizontalPodAutoscaler.class)) {
            Deployment target = r.get(Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
            assertThat(target.getSpec().getReplicas()).as("%s: replicas of %s, which its HPA owns", overlay,
                    target.getMetadata().getName()).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "prod"})
    void replicasOfAServiceSpreadOverKubernetesNodes(String overlay) throws Exception {
        Rendered r = rendered(overlay);
        for (String service : Repo.SERVICES) {
            PodSpec pod = r.get(Deployment.class, service).getSpec().getTemplate().getSpec();
            assertThat(pod.getTopologySpreadConstraints()).as("%s %s", overlay, service)
                    .anyMatch(c -> c.getTopologyKey().equals("kubernetes.io/hostname")
                            && c.getLabelSelector().getMatchLabels().equals(Map.of("app.kubernetes.io/name", service)));
        }
    }

    @Test
    void prodRunsOnStrimziWithEveryTopicTheCodeUsesAsAKafkaTopic() throws Exception {
        Rendered r = rendered("prod");
        List<GenericKubernetesResource> kafkas = r.custom("Kafka");
        assertThat(kafkas).hasSize(1);
        GenericKubernetesResource kafka = kafkas.get(0);
        String cluster = kafka.getMetadata().getName();
        assertThat(kafka.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
        int clientPort = KafkaAccessTest.clientListenerPort(kafka);
        assertThat(Rendered.<Object>nested(kafka, "spec", "entityOperator", "topicOperator")).isNotNull();

        int brokers = r.custom("KafkaNodePool").stream()
                .filter(p -> cluster.equals(p.getMetadata().getLabels().get("strimzi.io/cluster")))
                .filter(p -> Rendered.<List<String>>nested(p, "spec", "roles").contains("broker"))
                .mapToInt(p -> Rendered.<Number>nested(p, "spec", "replicas").intValue()).sum();
        assertThat(brokers).isGreaterThanOrEqualTo(3);

        Map<String, GenericKubernetesResource> topics = new java.util.HashMap<>();
        for (GenericKubernetesResource t : r.custom("KafkaTopic")) {
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
            String name = Rendered.<String>nested(t, "spec", "topicName");
            topics.put(name != null ? name : t.getMetadata().getName(), t);
            int replicas = Rendered.<Number>nested(t, "spec", "replicas").intValue();
            assertThat(replicas).as("replicas of %s", t.getMetadata().getName()).isBetween(3, brokers);
            Object minIsr = Rendered.<Map<String, Object>>nested(t, "spec", "config").get("min.insync.replicas");
            assertThat(Integer.parseInt(String.valueOf(minIsr))).isBetween(2, replicas - 1);
        }
        assertThat(topics.keySet()).as("topics the code uses").containsAll(topicsTheCodeUses());
        Map<String, Object> events = Rendered.nested(topics.get(LeadStageChanged.TOPIC), "spec", "config");
        assertThat(String.valueOf(events.get("retention.ms"))).isEqualTo("-1");
        assertThat(String.valueOf(events.get("retention.bytes"))).isEqualTo("-1");
        assertThat(events.get("cleanup.policy")).isEqualTo("delete");
        assertThat(Rendered.<Map<String, Object>>nested(topics.get(FunnelDefinitionChanged.TOPIC), "spec", "config"))
                .containsEntry("cleanup.policy", "compact");

        int partitions = Rendered.<Number>nested(topics.get(LeadStageChanged.TOPIC), "spec", "partitions").intValue();
        for (String service : Repo.SERVICES) {
            Map<String, String> env = r.environment(r.container(service));
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(cluster + "-kafka-bootstrap:" + clientPort);
            if (ServiceConfig.of(service).consumes()) {
                assertThat(r.get(HorizontalPodAutoscaler.class, service).getSpec().getMaxReplicas())
                        .as("%s replicas beyond the partition count would idle", service).isLessThanOrEqualTo(partitions);
            }
        }
        Map<String, String> lead = r.environment(r.container("lead-service"));
        assertThat(lead).as("Strimzi owns the topics").containsEntry("L2R_TOPIC_CREATE", "false");
        assertThat(Integer.parseInt(lead.get("L2R_TOPIC_PARTITIONS"))).isEqualTo(partitions);
    }

    @Test
    void prodGivesEachServiceACloudNativePgClusterAndItsAppSecret() throws Exception {
        Rendered r = rendered("prod");
        List<GenericKubernetesResource> clusters = r.custom("Cluster");
        assertThat(clusters).hasSize(Repo.SERVICES.size());
        for (String service : Repo.SERVICES) {
            Map<String, String> env = r.environment(r.container(service));
            String url = env.get("L2R_DB_URL");
            String host = ServiceConfig.hostOf(url);
            assertThat(host).endsWith("-rw");
            String clusterName = host.substring(0, host.length() - "-rw".length());
            GenericKubernetesResource cluster = clusters.stream()
                    .filter(c -> c.getMetadata().getName().equals(clusterName)).findFirst()
                    .orElseThrow(() -> new AssertionError(service + ": no CloudNativePG Cluster " + clusterName));
            String database = ServiceConfig.of(service).database();
            assertThat(ServiceConfig.databaseOf(url)).isEqualTo(database);
            assertThat(Rendered.<String>nested(cluster, "spec", "bootstrap", "initdb", "database")).isEqualTo(database);
            assertThat(env).containsEntry("L2R_DB_USER", "secret:" + clusterName + "-app/username")
                    .containsEntry("L2R_DB_PASSWORD", "secret:" + clusterName + "-app/password");
            assertThat(Rendered.<Map<String, String>>nested(cluster, "spec", "inheritedMetadata", "labels"))
                    .containsEntry("l2r.dev/postgres-for-" + service, "true");
            assertThat((String) Rendered.nested(cluster, "spec", "imageName")).contains(":" + Repo.postgresMajor() + ".");

            int replicas = r.find(HorizontalPodAutoscaler.class, service).map(h -> h.getSpec().getMaxReplicas())
                    .orElse(r.get(Deployment.class, service).getSpec().getReplicas());
            int pool = Integer.parseInt(env.get("L2R_DB_POOL_MAX"));
            int maxConnections = Integer.parseInt(Rendered.<Map<String, String>>nested(
                    cluster, "spec", "postgresql", "parameters").get("max_connections"));
            assertThat(replicas * pool).as("%s: every replica's pool fits the database", service)
                    .isLessThanOrEqualTo(maxConnections - 10);
        }
    }

    @Test
    void prodServiceMonitorsScrapeTheManagementPortAndAStockPrometheusOperatorSelectsThem() throws Exception {
        Rendered r = rendered("prod");
        for (GenericKubernetesResource monitor : r.custom("ServiceMonitor")) {
            // kube-prometheus-stack selects ServiceMonitors by its Helm release's name (deploy/README.md)
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            List<Map<String, Object>> endpoints = Rendered.nested(monitor, "spec", "endpoints");
            assertThat(endpoints).extracting(e -> e.get("path")).containsOnly("/q/metrics");
            assertThat(endpoints).extracting(e -> e.get("port")).containsOnly("management");
            Map<String, String> selector = Rendered.nested(monitor, "spec", "selector", "matchLabels");
            List<Service> selected = r.all(Service.class).stream()
                    .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as("Services of ServiceMonitor %s", monitor.getMetadata().getName()).hasSize(1);
            assertThat(selected.get(0).getSpec().getPorts()).extracting(ServicePort::getName).contains("management");
        }
        assertThat(r.custom("ServiceMonitor")).extracting(m -> m.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(Repo.SERVICES);
    }

    @Test
    void devRunsOneReplicaEachOnTheSingleNodeKafkaAndPostgres() throws Exception {
        Rendered r = rendered("dev");
        assertThat(r.all(HorizontalPodAutoscaler.class)).isEmpty();
        StatefulSet postgres = r.get(StatefulSet.class, "postgres");
        Map<String, String> postgresEnv = r.environment(postgres.getSpec().getTemplate().getSpec().getContainers().get(0));
        for (String service : Repo.SERVICES) {
            assertThat(r.get(Deployment.class, service).getSpec().getReplicas()).isEqualTo(1);
            Map<String, String> env = r.environment(r.container(service));

            String kafka = env.get("KAFKA_BOOTSTRAP_SERVERS");
            Service kafkaService = r.get(Service.class, ServiceConfig.hostOf(kafka));
            assertThat(kafkaService.getSpec().getPorts()).extracting(ServicePort::getPort).contains(ServiceConfig.portOf(kafka));

            String url = env.get("L2R_DB_URL");
            Service db = r.get(Service.class, ServiceConfig.hostOf(url));
            assertThat(db.getSpec().getSelector()).isEqualTo(postgres.getSpec().getSelector().getMatchLabels());
            assertThat(ServiceConfig.databaseOf(url)).isEqualTo(ServiceConfig.of(service).database());
            // the role init-databases.sh creates gets the password of the Secret the service reads
            String secretPassword = env.get("L2R_DB_PASSWORD");
            assertThat(postgresEnv).containsValue(secretPassword);
        }
        Map<String, String> lead = r.environment(r.container("lead-service"));
        assertThat(lead).as("the kafka-topics Job owns the topics").containsEntry("L2R_TOPIC_CREATE", "false");

        Job topics = r.get(Job.class, "kafka-topics");
        String scriptMap = topics.getSpec().getTemplate().getSpec().getVolumes().get(0).getConfigMap().getName();
        String script = r.get(ConfigMap.class, scriptMap).getData().get("create-topics.sh");
        assertThat(script).isEqualTo(Repo.read("deploy/single-node/create-topics.sh"));
        assertThat(topics.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("apache/kafka:" + Repo.kafkaVersion());
        assertThat(r.get(StatefulSet.class, "kafka").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("apache/kafka:" + Repo.kafkaVersion());
        assertThat(postgres.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("postgres:" + Repo.postgresMajor());
    }

    @Test
    void baseAutoscalesConsumersNoFurtherThanThePartitionsLeadServiceCreates() throws Exception {
        Rendered r = rendered("base");
        int partitions = Integer.parseInt(r.environment(r.container("lead-service")).get("L2R_TOPIC_PARTITIONS"));
        for (String service : Repo.SERVICES) {
            boolean consumer = ServiceConfig.of(service).consumes();
            assertThat(r.find(HorizontalPodAutoscaler.class, service)).as("HPA for %s", service).matches(h -> h.isPresent() == consumer);
            r.find(HorizontalPodAutoscaler.class, service).ifPresent(h -> {
                assertThat(h.getSpec().getScaleTargetRef().getName()).isEqualTo(service);
                assertThat(h.getSpec().getMaxReplicas()).isLessThanOrEqualTo(partitions);
            });
        }
    }
}
