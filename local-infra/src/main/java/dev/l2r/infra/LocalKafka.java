package dev.l2r.infra;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), the same server that
 * {@code kafka.Kafka} runs, started inside this JVM. Its log lives in {@code dataDir}, so a stop and a start keep
 * every topic and committed offset; ports stay the same across restarts.
 *
 * <p>{@link #startWithLogins} adds what a production cluster (Strimzi) has: a second listener that takes only
 * SCRAM-SHA-512 logins, and ACLs enforced for everybody who connects there. The first listener stays open to
 * tests, as a super user, to create users, ACLs and topics.
 */
public final class LocalKafka implements AutoCloseable {

    private static final String CONTROLLER = "CONTROLLER";
    private static final int NODE_ID = 1;

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private final int loginPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    private LocalKafka(Path dataDir, int port, boolean logins, Map<String, String> overrides) {
        this.logDir = dataDir.resolve("kraft-logs");
        this.port = FreePort.pick(port);
        this.controllerPort = FreePort.pick(0);
        this.loginPort = logins ? FreePort.pick(0) : 0;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Formats {@code dataDir} if it is new and starts the broker; returns once it accepts clients.
     *
     * @param port 0 picks a free port
     * @param overrides broker settings that replace the defaults below
     */
    public static LocalKafka start(Path dataDir, int port, Map<String, String> overrides) {
        LocalKafka kafka = new LocalKafka(dataDir, port, false, overrides);
        kafka.format();
        kafka.startServer();
        return kafka;
    }

    /**
     * Like {@link #start}, plus a listener at {@link #loginBootstrapServers()} (SASL_PLAINTEXT) that admits only
     * users added with {@link #addUser} and lets them do only what ACLs allow; the plain listener is a super user's.
     */
    public static LocalKafka startWithLogins(Path dataDir, Map<String, String> overrides) {
        LocalKafka kafka = new LocalKafka(dataDir, 0, true, overrides);
        kafka.format();
        kafka.startServer();
        return kafka;
    }

    /** The plain listener: no login, and with {@link #startWithLogins} a super user's. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** The listener that takes SCRAM-SHA-512 logins (SASL_PLAINTEXT); only with {@link #startWithLogins}. */
    public String loginBootstrapServers() {
        if (loginPort == 0) {
            throw new IllegalStateException("this broker has no login listener: start it with startWithLogins");
        }
        return "localhost:" + loginPort;
    }

    /** Adds (or changes) a user who logs in with SCRAM-SHA-512 at {@link #loginBootstrapServers()}. */
    public void addUser(String name, String password) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not add Kafka user " + name, e);
        }
    }

    /** The JAAS line a client logs in with as that user (what Strimzi puts in a KafkaUser's Secret). */
    public static String scramLogin(String name, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + name
                + "\" password=\"" + password + "\";";
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker and keeps its data; {@link #restart()} brings it back at the same address. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public synchronized void restart() {
        if (server == null) {
            startServer();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Map<String, Object> config() {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + port + "," + CONTROLLER + "://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.put("controller.listener.names", CONTROLLER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        if (loginPort > 0) {
            props.put("listeners", "PLAINTEXT://localhost:" + port + ",SASL_PLAINTEXT://localhost:" + loginPort
                    + "," + CONTROLLER + "://localhost:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://localhost:" + port + ",SASL_PLAINTEXT://localhost:" + loginPort);
            props.put("listener.security.protocol.map",
                    "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // the broker itself, its controller and tests come in without a login on the plain listeners
            props.put("super.users", "User:ANONYMOUS");
        }
        props.put("log.dirs", logDir.toString());
        // one node: every internal topic has one replica; one offsets partition so the first consumer
        // group does not wait for fifty to be created
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        props.putAll(overrides);
        return props;
    }

    private void format() {
        try {
            Files.createDirectories(logDir);
            if (Files.exists(logDir.resolve("meta.properties"))) {
                return;
            }
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka storage in " + logDir, e);
        }
    }

    private void startServer() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // broker threads inherit this loader; it must be the one that loaded Kafka, not a test framework's
        thread.setContextClassLoader(LocalKafka.class.getClassLoader());
        try {
            KafkaRaftServer raftServer = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
            raftServer.startup();
            server = raftServer;
            awaitClients(Duration.ofSeconds(60));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void awaitClients(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka did not accept clients within " + timeout, notYet);
                    }
                }
                sleep();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
