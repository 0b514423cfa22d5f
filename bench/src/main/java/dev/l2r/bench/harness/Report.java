package dev.l2r.bench.harness;

import dev.l2r.events.EventJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run. Each row is an L2R measurement, optionally beside the raw limit measured in the same
 * run and their ratio, which is what stays comparable between noisy machines. Printed as a Markdown table for
 * BENCHMARKS.md and appended as JSON lines to {@code bench/results/}.
 */
public final class Report {

    /** One figure; {@code limitName}/{@code limitValue} are empty when there is no raw limit to compare with. */
    public record Row(String scenario, String measure, double value, String unit, String limitName,
                      Double limitValue, String notes) {

        /** value ÷ limit: for throughputs, the share of the raw limit reached. */
        public Double ratio() {
            return limitValue == null || limitValue == 0 ? null : value / limitValue;
        }
    }

    private final Machine machine;
    private final Instant startedAt = Instant.now();
    private final List<Row> rows = new ArrayList<>();

    public Report(Machine machine) {
        this.machine = machine;
    }

    public void add(String scenario, String measure, double value, String unit, String notes) {
        add(new Row(scenario, measure, value, unit, null, null, notes));
    }

    public void addVersus(String scenario, String measure, double value, String unit, String limitName,
                          double limitValue, String notes) {
        add(new Row(scenario, measure, value, unit, limitName, limitValue, notes));
    }

    public synchronized void add(Row row) {
        rows.add(row);
        System.out.println("  " + format(row));
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public String markdown() {
        StringBuilder md = new StringBuilder()
                .append("Run ").append(startedAt).append(" on ").append(machine.summary()).append("\n\n")
                .append("| scenario | measure | L2R | raw limit | limit value | L2R ÷ limit | notes |\n")
                .append("|---|---|---:|---|---:|---:|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.scenario()).append(" | ").append(r.measure()).append(" | ")
                    .append(number(r.value())).append(' ').append(r.unit()).append(" | ")
                    .append(r.limitName() == null ? "" : r.limitName()).append(" | ")
                    .append(r.limitValue() == null ? "" : number(r.limitValue()) + " " + r.unit()).append(" | ")
                    .append(r.ratio() == null ? "" : String.format(Locale.ROOT, "%.3f", r.ratio())).append(" | ")
                    .append(r.notes() == null ? "" : r.notes()).append(" |\n");
        }
        return md.toString();
    }

    /** Appends this run to {@code dir/results.jsonl}. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder lines = new StringBuilder();
            for (Row r : rows) {
                lines.append(EventJson.write(new SavedRow(startedAt, machine, r))).append('\n');
            }
            Files.writeString(dir.resolve("results.jsonl"), lines, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record SavedRow(Instant run, Machine machine, Row row) {
    }

    private static String format(Row r) {
        String line = r.scenario() + " / " + r.measure() + ": " + number(r.value()) + " " + r.unit();
        if (r.limitName() != null) {
            line += String.format(Locale.ROOT, " (raw limit %s: %s, ratio %.3f)", r.limitName(),
                    number(r.limitValue()), r.ratio());
        }
        return line;
    }

    static String number(double v) {
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
