package dev.l2r.funnel;

import dev.l2r.funnel.core.Conversion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

    /** Class name (binary, dotted) to the classes it refers to. */
    private static Map<String, Set<String>> classes;

    @BeforeAll
    static void readClasses() throws IOException, URISyntaxException {
        Path root = Path.of(Conversion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root.resolve(ROOT.replace('.', '/')))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                try (InputStream in = Files.newInputStream(f)) {
                    classes.put(name, referencedClasses(in));
                }
            }
        }
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
                refs.stream().filter(r -> NOT_IN_CORE.stream().anyMatch(r::startsWith)).forEach(r -> found.add(c + " uses " + r));
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

    /** Package to the other packages of this service its classes refer to. */
    private static Map<String, Set<String>> packageGraph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        classes.forEach((c, refs) -> {
            Set<String> to = graph.computeIfAbsent(packageOf(c), k -> new TreeSet<>());
            refs.stream().filter(r -> r.startsWith(ROOT + ".")).map(LayersTest::packageOf)
                    .filter(p -> !p.equals(packageOf(c))).forEach(to::add);
        });
        return graph;
    }

    private static String examples(String from, String to) {
        List<String> uses = new ArrayList<>();
        classes.forEach((c, refs) -> {
            if (packageOf(c).equals(from)) {
                refs.stream().filter(r -> packageOf(r).equals(to)).forEach(r -> uses.add(simple(c) + " uses " + simple(r)));
            }
        });
        return String.join(", ", uses);
    }

    /** A cycle (its packages, the first repeated at the end), or an empty list: a depth-first search. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> path = new ArrayList<>();
            List<String> found = visit(graph, start, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(Map<String, Set<String>> graph, String node, Map<String, Integer> state,
                                      List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null) {
            List<String> loop = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            loop.add(node);
            return loop;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            List<String> found = visit(graph, next, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w/$]+)[;<]");

    /**
     * The classes named in a class file's constant pool: its class entries, and the classes in its field, method
     * and signature descriptors (JVMS §4.4).
     */
    static Set<String> referencedClasses(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classNameIndexes = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNameIndexes.add(in.readUnsignedShort());
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two entries
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        Set<String> refs = new TreeSet<>();
        for (int index : classNameIndexes) {
            String name = utf8[index];
            Matcher array = DESCRIPTOR_CLASS.matcher(name);
            if (name.startsWith("[")) {
                while (array.find()) {
                    refs.add(binaryName(array.group(1)));
                }
            } else {
                refs.add(binaryName(name));
            }
        }
        for (String s : utf8) {
            if (s != null && (s.startsWith("(") || s.startsWith("L") || s.startsWith("<") || s.startsWith("["))) {
                Matcher m = DESCRIPTOR_CLASS.matcher(s);
                while (m.find()) {
                    refs.add(binaryName(m.group(1)));
                }
            }
        }
        return refs;
    }

    /** {@code a/b/C$D} as {@code a.b.C}: a nested class counts as its top-level class. */
    private static String binaryName(String internal) {
        String dotted = internal.replace('/', '.');
        int nested = dotted.indexOf('$');
        return nested < 0 ? dotted : dotted.substring(0, nested);
    }
}
