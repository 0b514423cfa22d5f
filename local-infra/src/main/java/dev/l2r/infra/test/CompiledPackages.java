package dev.l2r.infra.test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

/**
 * A service's compiled classes under one root package and the classes each refers to, read from the class files
 * (every class a class refers to is named in its constant pool, whether imported, fully qualified or in the same
 * package, so nothing escapes by being written without an import): for tests that keep packages free of cycles
 * and layers in order.
 */
public final class CompiledPackages {

    private final String root;
    /** Class name (binary, dotted) to the classes it refers to. */
    private final Map<String, Set<String>> classes;

    private CompiledPackages(String root, Map<String, Set<String>> classes) {
        this.root = root;
        this.classes = classes;
    }

    /** Every class under {@code root} in the classes directory (or jar folder) that {@code anyClass} was loaded from. */
    public static CompiledPackages of(String root, Class<?> anyClass) {
        try {
            Path dir = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            Map<String, Set<String>> classes = new TreeMap<>();
            try (Stream<Path> files = Files.walk(dir.resolve(root.replace('.', '/')))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String name = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), ".")
                            .replaceAll("\\.class$", "");
                    try (InputStream in = Files.newInputStream(f)) {
                        classes.put(name, referencedClasses(in));
                    }
                }
            }
            return new CompiledPackages(root, classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Class name to the classes it refers to. */
    public Map<String, Set<String>> classes() {
        return classes;
    }

    /** Package to the other packages under the root its classes refer to. */
    public Map<String, Set<String>> packageGraph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        classes.forEach((c, refs) -> {
            Set<String> to = graph.computeIfAbsent(packageOf(c), k -> new TreeSet<>());
            refs.stream().filter(r -> r.startsWith(root + ".")).map(CompiledPackages::packageOf)
                    .filter(p -> !p.equals(packageOf(c))).forEach(to::add);
        });
        return graph;
    }

    /** Which classes of {@code from} use which of {@code to}, for a failure message. */
    public String examples(String from, String to) {
        List<String> uses = new ArrayList<>();
        classes.forEach((c, refs) -> {
            if (packageOf(c).equals(from)) {
                refs.stream().filter(r -> packageOf(r).equals(to)).forEach(r -> uses.add(simple(c) + " uses " + simple(r)));
            }
        });
        return String.join(", ", uses);
    }

    /** A cycle of this service's packages with the classes that make each step, or an empty list. */
    public List<String> packageCycle() {
        List<String> loop = cycle(packageGraph());
        List<String> described = new ArrayList<>();
        for (int i = 0; i + 1 < loop.size(); i++) {
            described.add(loop.get(i) + " -> " + loop.get(i + 1) + " (" + examples(loop.get(i), loop.get(i + 1)) + ")");
        }
        return described;
    }

    /** A cycle (its nodes, the first repeated at the end), or an empty list: a depth-first search. */
    public static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> found = visit(graph, start, state, new ArrayList<>());
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

    public static String packageOf(String className) {
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
