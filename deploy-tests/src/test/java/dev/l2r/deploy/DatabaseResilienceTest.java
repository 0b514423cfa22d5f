package dev.l2r.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prod CloudNativePG clusters survive what takes a volume or a node: WAL archived continuously and daily base
 * backups to an object store whose credentials are a Secret, instances on different Kubernetes nodes, and lead-db
 * (which holds the outbox) committing only once a standby has the WAL.
 */
class DatabaseResilienceTest {

    static final String BARMAN_CLOUD = "barman-cloud.cloudnative-pg.io";

    @Test
    void everyClusterArchivesItsWalAndIsBackedUpDailyToAnObjectStoreWithSecretCredentials() throws Exception {
        Rendered r = KubernetesManifestsTest.rendered("prod");
        List<GenericKubernetesResource> clusters = r.custom("Cluster");
        assertThat(clusters).hasSize(Repo.SERVICES.size());
        for (GenericKubernetesResource cluster : clusters) {
            String name = cluster.getMetadata().getName();
            List<Map<String, Object>> plugins = Rendered.nested(cluster, "spec", "plugins");
            assertThat(plugins).as("%s plugins", name).isNotNull();
            Map<String, Object> archiver = plugins.stream().filter(p -> Boolean.TRUE.equals(p.get("isWALArchiver")))
                    .findFirst().orElseThrow(() -> new AssertionError(name + " archives no WAL"));
            assertThat(archiver.get("name")).isEqualTo(BARMAN_CLOUD);
            @SuppressWarnings("unchecked")
            String storeName = (String) ((Map<String, Object>) archiver.get("parameters")).get("barmanObjectName");
            GenericKubernetesResource store = r.custom("ObjectStore").stream()
                    .filter(s -> s.getMetadata().getName().equals(storeName)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": no ObjectStore " + storeName));
            assertThat(Rendered.<String>nested(store, "spec", "configuration", "destinationPath")).isNotBlank();
            assertThat(Rendered.<String>nested(store, "spec", "retentionPolicy")).isNotBlank();
            Map<String, Map<String, Object>> credentials = Rendered.nested(store, "spec", "configuration", "s3Credentials");
            assertThat(credentials).as("%s credentials", storeName).isNotEmpty();
            // every credential is a reference to a key of a Secret, never the value itself
            credentials.forEach((what, ref) -> assertThat(ref).as("%s %s", storeName, what).containsOnlyKeys("name", "key"));

            List<GenericKubernetesResource> schedules = r.custom("ScheduledBackup").stream()
                    .filter(b -> name.equals(Rendered.nested(b, "spec", "cluster", "name"))).toList();
            assertThat(schedules).as("%s scheduled backups", name).hasSize(1);
            GenericKubernetesResource schedule = schedules.get(0);
            assertThat(Rendered.<String>nested(schedule, "spec", "method")).isEqualTo("plugin");
            assertThat(Rendered.<String>nested(schedule, "spec", "pluginConfiguration", "name")).isEqualTo(BARMAN_CLOUD);
            // CloudNativePG's schedule has six fields, seconds first: a five-field cron would mean something else
            assertThat(Rendered.<String>nested(schedule, "spec", "schedule").split(" ")).hasSize(6);
        }
    }

    @Test
    void instancesOfAClusterNeverShareAKubernetesNode() throws Exception {
        for (GenericKubernetesResource cluster : KubernetesManifestsTest.rendered("prod").custom("Cluster")) {
            Map<String, Object> affinity = Rendered.nested(cluster, "spec", "affinity");
            assertThat(affinity).as("%s affinity", cluster.getMetadata().getName())
                    .containsEntry("enablePodAntiAffinity", true)
                    .containsEntry("podAntiAffinityType", "required")
                    .containsEntry("topologyKey", "kubernetes.io/hostname");
            assertThat(Rendered.<Number>nested(cluster, "spec", "instances").intValue()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void leadDbCommitsOnlyWhatAStandbyAlsoHas() throws Exception {
        // lead-service's database: its outbox holds events that were answered 201 but may not be on Kafka yet
        String host = ServiceConfig.hostOf(KubernetesManifestsTest.rendered("prod")
                .environment(KubernetesManifestsTest.rendered("prod").container("lead-service")).get("L2R_DB_URL"));
        String leadDb = host.substring(0, host.length() - "-rw".length());
        GenericKubernetesResource cluster = KubernetesManifestsTest.rendered("prod").custom("Cluster").stream()
                .filter(c -> c.getMetadata().getName().equals(leadDb)).findFirst().orElseThrow();
        Map<String, Object> synchronous = Rendered.nested(cluster, "spec", "postgresql", "synchronous");
        assertThat(synchronous).as("%s synchronous replication", leadDb).isNotNull();
        assertThat(synchronous.get("method")).isIn("any", "first");
        int standbys = ((Number) synchronous.get("number")).intValue();
        assertThat(standbys).isBetween(1, Rendered.<Number>nested(cluster, "spec", "instances").intValue() - 1);
        // "preferred" would drop to asynchronous when the standbys are gone, and lose what only the primary had
        assertThat(synchronous.getOrDefault("dataDurability", "required")).isEqualTo("required");
    }
}
