package dev.l2r.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one service reads, from its own application.properties: every {@code ${ENV:default}} reference (the
 * environment variables it can be configured with), its HTTP port, its database and the topics it names.
 * Profile-specific keys ({@code %test.}, {@code %dev.}) are left out: they never run in a deployment.
 */
record ServiceConfig(String service, Map<String, String> properties, Map<String, String> envDefaults) {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}");
    /** Names that are credentials: they come from Secrets, never from a ConfigMap or a literal. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|API_KEY|IDENTITY_KEY|TOKEN|_DB_USER|JAAS_CONFIG)$");
    /** The Kafka client's login and truststore: what a PLAINTEXT broker (dev, compose) has no use for. */
    static final Set<String> KAFKA_SECURITY = Set.of("KAFKA_SASL_MECHANISM", "KAFKA_SASL_JAAS_CONFIG",
            "KAFKA_SSL_TRUSTSTORE_LOCATION", "KAFKA_SSL_TRUSTSTORE_PASSWORD", "KAFKA_SSL_TRUSTSTORE_TYPE");

    /** Every key of the service's application.properties as written, profile-specific ones included. */
    static Properties raw(String service) {
        Properties raw = new Properties();
        try {
            raw.load(new StringReader(Repo.read(service + "/src/main/resources/application.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return raw;
    }

    static ServiceConfig of(String service) {
        Properties raw = raw(service);
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : new TreeSet<>(raw.stringPropertyNames())) {
            if (key.startsWith("%")) {
                continue;
            }
            String value = raw.getProperty(key);
            properties.put(key, value);
            Matcher m = ENV_REF.matcher(value);
            while (m.find()) {
                env.put(m.group(1), m.group(2));
            }
        }
        return new ServiceConfig(service, Collections.unmodifiableMap(properties), Collections.unmodifiableMap(env));
    }

    static boolean isCredential(String envName) {
        return SECRET_NAME.matcher(envName).matches();
    }

    Set<String> envNames() {
        return envDefaults.keySet();
    }

    /** A property's value with every {@code ${ENV:default}} replaced by its default. */
    String resolved(String key) {
        return resolved(key, Map.of());
    }

    /** A property's value as a service with this environment reads it: the variable where set, else the default. */
    String resolved(String key, Map<String, String> env) {
        String value = properties.get(key);
        return value == null ? null : ENV_REF.matcher(value).replaceAll(
                m -> Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group(2))));
    }

    /** The default of every {@code ${ENV:default}} in a value (for checks on profile-specific keys). */
    static String withDefaults(String value) {
        return ENV_REF.matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(2)));
    }

    int httpPort() {
        return Integer.parseInt(resolved("quarkus.http.port"));
    }

    /** The management interface's port: metrics. */
    int managementPort() {
        return Integer.parseInt(resolved("quarkus.management.port"));
    }

    /** The database name at the end of the default JDBC URL. */
    String database() {
        return databaseOf(resolved("quarkus.datasource.jdbc.url"));
    }

    static String databaseOf(String jdbcUrl) {
        return URI.create(jdbcUrl.substring("jdbc:".length())).getPath().substring(1);
    }

    static String hostOf(String url) {
        String u = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : "kafka://" + url;
        return URI.create(u).getHost();
    }

    static int portOf(String url) {
        String u = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : "kafka://" + url;
        return URI.create(u).getPort();
    }

    /** Topic names in its configuration: channel topics, dead-letter topics, l2r.topic.*.name. */
    Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        properties.keySet().stream()
                .filter(k -> k.matches("mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.topic")
                        || k.endsWith(".dead-letter-queue.topic")
                        || k.matches("l2r\\.topic\\.[^.]+\\.name"))
                .map(this::resolved).forEach(topics::add);
        return topics;
    }

    /** Topics its consumers read (channels), as a service with this environment names them. */
    Set<String> topicsRead(Map<String, String> env) {
        Set<String> topics = new TreeSet<>();
        properties.keySet().stream().filter(k -> k.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic"))
                .map(k -> resolved(k, env)).forEach(topics::add);
        return topics;
    }

    /**
     * Topics it writes: outgoing channels, its dead-letter topic ({@code l2r.topic.dead-letter.name}) and, for a
     * service that consumes nothing (lead-service), every {@code l2r.topic.<name>.name} it publishes to.
     */
    Set<String> topicsWritten(Map<String, String> env) {
        boolean consumes = consumes();
        Set<String> topics = new TreeSet<>();
        properties.keySet().stream().filter(k -> k.matches("mp\\.messaging\\.outgoing\\.[^.]+\\.topic")
                        || k.equals("l2r.topic.dead-letter.name")
                        || !consumes && k.matches("l2r\\.topic\\.[^.]+\\.name"))
                .map(k -> resolved(k, env)).forEach(topics::add);
        return topics;
    }

    /** Consumer groups its channels join; {@code ${quarkus.uuid}} (one per instance) stands as {@code <uuid>}. */
    Set<String> consumerGroups(Map<String, String> env) {
        Set<String> groups = new TreeSet<>();
        properties.keySet().stream().filter(k -> k.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id"))
                .map(k -> resolved(k, env).replace("${quarkus.uuid}", "<uuid>")).forEach(groups::add);
        return groups;
    }

    boolean consumes() {
        return properties.keySet().stream().anyMatch(k -> k.startsWith("mp.messaging.incoming."));
    }

    /** Quarkus duration syntax as used in these files: 3s, 100ms, 20s, 0s. */
    static Duration duration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(value.trim());
        if (!m.matches()) {
            return Duration.parse(value.trim());
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
