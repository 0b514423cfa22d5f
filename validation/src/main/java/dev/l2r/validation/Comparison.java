package dev.l2r.validation;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Figures side by side: printed as a Markdown table (ready for docs/validation.md), with whether each pair agrees. */
public final class Comparison {

    private record Line(String figure, String service, String independent, boolean agree) {
    }

    private final List<Line> lines = new ArrayList<>();

    public void add(String figure, Object service, Object independent) {
        lines.add(new Line(figure, text(service), text(independent), same(service, independent)));
    }

    public boolean allAgree() {
        return lines.stream().allMatch(Line::agree);
    }

    public void print(PrintStream out) {
        out.println("| figure | L2R services | independent (SQL over the CSV) | agree |");
        out.println("|---|---:|---:|:---:|");
        for (Line l : lines) {
            out.printf("| %s | %s | %s | %s |%n", l.figure, l.service, l.independent, l.agree ? "yes" : "**NO**");
        }
        long disagreeing = lines.stream().filter(l -> !l.agree).count();
        out.println();
        out.println(disagreeing == 0 ? "All " + lines.size() + " figures agree."
                : disagreeing + " of " + lines.size() + " figures DISAGREE.");
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        return Objects.equals(a, b);
    }

    private static String text(Object v) {
        if (v == null) {
            return "–";
        }
        return v instanceof BigDecimal d ? d.toPlainString() : v.toString();
    }
}
