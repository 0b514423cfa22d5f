package dev.l2r.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs a fresh clone has are enough: every relative link of every Markdown file resolves to a file of the
 * repository (and to a heading of it, when it names one), none leads out of it, the README links every page of
 * docs/ and stays a ten-minute read, and its test command is the one CI runs. A link to a Java file whose text
 * names a method ({@code Class.method}) must find that method there, so that the map of where each metric is
 * computed (docs/architecture.md) fails here when the code moves rather than going stale.
 */
class DocsTest {

    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$", Pattern.MULTILINE);
    private static final Pattern METHOD = Pattern.compile("^`?[A-Z][A-Za-z0-9]*\\.([a-z][A-Za-z0-9]*)(\\(\\))?`?$");
    private static final int README_MAX_LINES = 200;

    static List<Path> markdownFiles() {
        Path root = Repo.root();
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String other : List.of("BENCHMARKS.md", "RELIABILITY.md", "deploy/README.md", "bench/README.md")) {
            files.add(root.resolve(other));
        }
        return files;
    }

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() {
        Path root = Repo.root();
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path file : markdownFiles()) {
            String from = root.relativize(file).toString();
            Matcher m = LINK.matcher(withoutCode(read(file)));
            while (m.find()) {
                String text = m.group(1);
                String target = m.group(2);
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ...
                }
                checked++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                if (!resolved.startsWith(root)) {
                    problems.add(from + ": " + target + " leads out of the repository");
                    continue;
                }
                if (!Files.exists(resolved)) {
                    problems.add(from + ": " + target + " does not exist");
                    continue;
                }
                if (anchor != null && resolved.toString().endsWith(".md")
                        && !anchors.computeIfAbsent(resolved, DocsTest::headingAnchors).contains(anchor)) {
                    problems.add(from + ": " + target + " names no heading of " + root.relativize(resolved));
                }
                Matcher method = METHOD.matcher(text);
                if (resolved.toString().endsWith(".java") && method.matches()
                        && !read(resolved).contains(" " + method.group(1) + "(")) {
                    problems.add(from + ": " + root.relativize(resolved) + " has no method " + method.group(1));
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(50);
        assertThat(problems).isEmpty();
    }

    @Test
    void theReadmeIsATenMinuteReadThatLinksEveryPageAndLeavesNothingOutside() {
        String readme = read(Repo.file("README.md"));
        assertThat(readme.lines().count()).as("README.md lines").isLessThanOrEqualTo(README_MAX_LINES);
        assertThat(readme).as("README.md points at nothing outside the repository").doesNotContain("../");
        try (Stream<Path> docs = Files.list(Repo.file("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(page ->
                    assertThat(readme).as("README.md links " + page.getFileName())
                            .contains("](docs/" + page.getFileName() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // where a metric is computed is found from the README through the architecture page
        assertThat(readme).contains("[docs/architecture.md](docs/architecture.md)");
        assertThat(read(Repo.file("docs/architecture.md"))).contains("conversion A→B overall, per cohort, by channel");
    }

    @Test
    void theReadmesTestCommandIsWhatCiRuns() {
        List<String> commands = read(Repo.file(".ci/run")).lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(commands.get(commands.size() - 1)).isEqualTo("mvn -B verify");
        assertThat(read(Repo.file("README.md"))).contains("```bash\nmvn -B verify\n```")
                .contains("CI (`.ci/run`) runs exactly this.");
    }

    /** GitHub's anchors: headings lower-cased, punctuation dropped, spaces as hyphens, repeats numbered. */
    static Set<String> headingAnchors(Path file) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(withoutCode(read(file)));
        while (m.find()) {
            String slug = m.group(1).replaceAll("`", "").toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }

    /** The text without fenced code blocks, whose brackets and hashes are not Markdown. */
    private static String withoutCode(String markdown) {
        return markdown.replaceAll("(?ms)^```.*?^```", "");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
