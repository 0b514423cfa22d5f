package dev.l2r.funnel;

import dev.l2r.funnel.core.Conversion;
import dev.l2r.infra.test.CompiledPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps funnel-service's backbone (docs/architecture.md, "Packages and layers"; docs/DECISIONS.md): a pure core,
 * storage (all SQL) on it, drivers on top. Read from the compiled classes (every class a class refers to is named
 * in its constant pool, whether imported, fully qualified or in the same package), so nothing escapes by being
 * written without an import. Fails on a package no layer names, an import that runs up a layer, a package cycle,
 * a framework, JDBC or Kafka class in the core, a JDBC statement outside storage, and a core class without a test.
 */
class LayersTest {

    private static final String ROOT = "dev.l2r.funnel";

    /** Each package and its layer: 1 core, 2 storage, 3 drivers. A new package must be placed here (and in the docs). */
    private static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry(ROOT + ".core", 1),
            Map.entry(ROOT + ".core.catchup", 1),
            Map.entry(ROOT + ".storage", 2),
            Map.entry(ROOT + ".topic", 3),
            Map.entry(ROOT + ".live", 3),
            Map.entry(ROOT + ".rebuild", 3),
            Map.entry(ROOT + ".catchup", 3),
            Map.entry(ROOT + ".definition", 3),
            Map.entry(ROOT + ".query", 3),
            Map.entry(ROOT + ".api", 3));

    /** What the core may not touch: the framework, the database, the broker. */
    private static final List<String> NOT_IN_CORE = List.of("jakarta.", "io.quarkus.", "io.smallrye.", "io.agroal.",
            "io.micrometer.", "io.opentelemetry.", "org.eclipse.microprofile.", "java.sql.", "javax.sql.",
            "org.postgresql.", "org.flywaydb.", "org.apache.kafka.", "dev.l2r.platform.");

    /** JDBC statements and results: storage's alone (a driver passes a Connection on, for the caller's transaction). */
    private static final List<String> SQL = List.of("java.sql.Statement", "java.sql.PreparedStatement",
            "java.sql.CallableStatement", "java.sql.ResultSet", "org.postgresql.");

    private static CompiledPackages compiled;
    /** Class name (binary, dotted) to the classes it refers to. */
    private static Map<String, Set<String>> classes;

    @BeforeAll
    static void readClasses() {
        compiled = CompiledPackages.of(ROOT, Conversion.class);
        classes = compiled.classes();
        assertThat(classes).as("compiled classes of funnel-service").hasSizeGreaterThan(40);
    }

    @Test
    void everyPackageHasALayer() {
        Set<String> unplaced = new TreeSet<>();
        classes.keySet().forEach(c -> {
            if (!LAYERS.containsKey(packageOf(c))) {
                unplaced.add(packageOf(c));
            }
        });
        assertThat(unplaced).as("packages no layer names (place them in LAYERS and docs/architecture.md)").isEmpty();
    }

    @Test
    void noImportRunsUpALayer() {
        List<String> upward = new ArrayList<>();
        packageGraph().forEach((from, tos) -> tos.forEach(to -> {
            if (LAYERS.getOrDefault(to, 3) > LAYERS.getOrDefault(from, 3)) {
                upward.add(from + " -> " + to + " (" + examples(from, to) + ")");
            }
        }));
        assertThat(upward).as("imports running up a layer").isEmpty();
    }

    @Test
    void packagesFormNoCycle() {
        assertThat(cycle(packageGraph())).as("a package cycle").isEmpty();
    }

    @Test
    void theCoreIsPlainJava() {
        List<String> found = new ArrayList<>();
        classes.forEach((c, refs) -> {
            if (LAYERS.get(packageOf(c)) == 1) {
                refs.stream().filter(r -> NOT_IN_CORE.stream().anyMatch(r::startsWith))
                        .forEach(r -> found.add(c + " uses " + r));
            }
        });
        assertThat(found).as("framework, database or broker classes in the core").isEmpty();
    }

    @Test
    void sqlIsStoragesAlone() {
        List<String> found = new ArrayList<>();
        classes.forEach((c, refs) -> {
            if (LAYERS.get(packageOf(c)) != 2) {
                refs.stream().filter(r -> SQL.stream().anyMatch(r::startsWith)).forEach(r -> found.add(c + " uses " + r));
            }
        });
        assertThat(found).as("JDBC statements outside storage").isEmpty();
    }

    @Test
    void everyCoreClassHasAUnitTest() {
        List<String> untested = new ArrayList<>();
        for (String c : classes.keySet()) {
            if (LAYERS.get(packageOf(c)) == 1 && !c.contains("$")) {
                try {
                    Class.forName(c + "Test", false, LayersTest.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    untested.add(c);
                }
            }
        }
        assertThat(untested).as("core classes without a <Name>Test beside them").isEmpty();
    }

    /** The checks themselves: a cycle and an upward edge in a made-up graph are found, an acyclic one passes. */
    @Test
    void theCycleCheckFindsACycle() {
        Map<String, Set<String>> looped = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycle(looped)).containsExactly("a", "b", "c", "a");
        assertThat(cycle(Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of()))).isEmpty();
    }

    private static Map<String, Set<String>> packageGraph() {
        return compiled.packageGraph();
    }

    private static String examples(String from, String to) {
        return compiled.examples(from, to);
    }

    private static List<String> cycle(Map<String, Set<String>> graph) {
        return CompiledPackages.cycle(graph);
    }

    private static String packageOf(String className) {
        return CompiledPackages.packageOf(className);
    }
}
