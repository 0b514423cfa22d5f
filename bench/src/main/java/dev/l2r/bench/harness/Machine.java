package dev.l2r.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on: they mean little without it. */
public record Machine(String cpu, int cores, long memoryMiB, String os, String java, String loadAverage) {

    public static Machine describe() {
        return new Machine(firstMatch("/proc/cpuinfo", "model name"), Runtime.getRuntime().availableProcessors(),
                memoryKiB() / 1024, System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), readLoadAverage());
    }

    public String summary() {
        return "%s, %d cores, %d MiB RAM, %s, %s, load average at start %s"
                .formatted(cpu, cores, memoryMiB, os, java, loadAverage);
    }

    private static String firstMatch(String file, String key) {
        return lines(file).stream().filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElse("unknown CPU");
    }

    private static long memoryKiB() {
        return lines("/proc/meminfo").stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    }

    private static String readLoadAverage() {
        List<String> l = lines("/proc/loadavg");
        return l.isEmpty() ? "unknown" : String.join(" ", List.of(l.get(0).split(" ")).subList(0, 3));
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
