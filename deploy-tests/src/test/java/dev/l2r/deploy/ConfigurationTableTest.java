package dev.l2r.deploy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration table (docs/configuration.md) is the one list of settings: every environment variable a
 * service reads (its application.properties) has exactly one row naming its property, its default per service and
 * the services that read it, and no row names a variable nobody reads. On failure the message has the rows to paste.
 */
class ConfigurationTableTest {

    static final String START = "<!-- configuration-table:start -->";
    static final String END = "<!-- configuration-table:end -->";

    record Row(String env, String properties, String defaults, String readBy) {
    }

    static final String DOCUMENT = "docs/configuration.md";

    static Map<String, Row> table() {
        String doc = Repo.read(DOCUMENT);
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start).as(DOCUMENT + " has the configuration table markers").isNotNegative();
        assertThat(end).isGreaterThan(start);
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : doc.substring(start + START.length(), end).split("\n")) {
            Matcher m = Pattern.compile("^\\|\\s*`([A-Z0-9_]+)`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|.*\\|\\s*$").matcher(line.trim());
            if (m.matches()) {
                assertThat(rows.put(m.group(1), new Row(m.group(1), m.group(2), m.group(3), m.group(4).trim())))
                        .as("one row for %s", m.group(1)).isNull();
            }
        }
        return rows;
    }

    static String shortName(String service) {
        return service.indexOf('-') < 0 ? service : service.substring(0, service.indexOf('-'));
    }

    /** The services and the dashboard: everything configured by environment variables. */
    static final List<String> READERS = java.util.stream.Stream.concat(Repo.SERVICES.stream(),
            java.util.stream.Stream.of(Repo.DASHBOARD)).toList();

    /** "all" (the three services), or their short names; the dashboard is named after them. */
    static String readBy(Set<String> readers) {
        List<String> services = Repo.SERVICES.stream().filter(readers::contains).toList();
        String by = services.size() == Repo.SERVICES.size() ? "all"
                : String.join(", ", services.stream().map(ConfigurationTableTest::shortName).toList());
        if (readers.contains(Repo.DASHBOARD)) {
            by = by.isEmpty() ? Repo.DASHBOARD : by + ", " + Repo.DASHBOARD;
        }
        return by;
    }

    @Test
    void everyVariableTheServicesReadHasOneAccurateRow() {
        Map<String, Row> table = table();
        Map<String, Map<String, String>> defaults = new LinkedHashMap<>();
        Map<String, Set<String>> properties = new LinkedHashMap<>();
        for (String service : READERS) {
            ServiceConfig config = ServiceConfig.of(service);
            config.envDefaults().forEach((env, value) -> defaults.computeIfAbsent(env, k -> new LinkedHashMap<>()).put(service, value));
            config.properties().forEach((key, value) -> {
                Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):").matcher(value);
                while (m.find()) {
                    properties.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(key);
                }
            });
        }
        List<String> problems = new ArrayList<>();
        defaults.forEach((env, perService) -> {
            Row row = table.get(env);
            if (row == null) {
                problems.add("missing row: " + suggested(env, perService, properties.get(env)));
                return;
            }
            properties.get(env).stream().filter(p -> !row.properties().contains("`" + p + "`"))
                    .forEach(p -> problems.add(env + ": property `" + p + "` not named"));
            perService.forEach((service, value) -> {
                String shown = value.isEmpty() ? "(empty)" : "`" + value + "`";
                if (!row.defaults().contains(shown)) {
                    problems.add(env + ": default of " + service + " is " + shown + ", the table says" + row.defaults());
                }
            });
            String readBy = readBy(perService.keySet());
            if (!row.readBy().equals(readBy)) {
                problems.add(env + ": read by " + readBy + ", the table says " + row.readBy());
            }
        });
        table.keySet().stream().filter(env -> !defaults.containsKey(env))
                .forEach(env -> problems.add(env + ": in the table, but no service reads it"));
        assertThat(problems).as(DOCUMENT + " configuration table").isEmpty();
    }

    private static String suggested(String env, Map<String, String> perService, Set<String> properties) {
        Set<String> values = new TreeSet<>(perService.values());
        String defaults = values.size() == 1 ? "`" + values.iterator().next() + "`"
                : String.join(", ", perService.entrySet().stream()
                .map(e -> "`" + e.getValue() + "` " + shortName(e.getKey())).toList());
        String readBy = readBy(perService.keySet());
        return "| `" + env + "` | " + String.join(", ", properties.stream().map(p -> "`" + p + "`").toList())
                + " | " + defaults + " | " + readBy + " | … |";
    }
}
