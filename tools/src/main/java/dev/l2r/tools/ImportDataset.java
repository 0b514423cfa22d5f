package dev.l2r.tools;

import java.io.IOException;
import java.io.Writer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/l2r import-dataset <olist|maven-crm> [--url URL] [--datasets DIR] [--out FILE] [--dry-run]
 * [--segment product|sector]}: converts one of the public datasets to the import CSV and sends it to
 * lead-service's {@code POST /api/imports}, printing the answer (accepted, duplicates, rejected).
 */
public final class ImportDataset {

    private ImportDataset() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws IOException, InterruptedException {
        if (args.length == 0 || args[0].startsWith("-")) {
            return usage("name a dataset: olist or maven-crm");
        }
        String dataset = args[0];
        String url = ApiClient.env("L2R_LEAD_URL", "http://localhost:" + ApiClient.env("L2R_LEAD_PORT", "8081"));
        Path datasets = Path.of(ApiClient.env("L2R_DATASETS", "../shared/datasets"));
        Path out = null;
        boolean dryRun = false;
        MavenCrmConversion.Segment segment = MavenCrmConversion.Segment.PRODUCT;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = value(args, ++i);
                case "--datasets" -> datasets = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--dry-run" -> dryRun = true;
                case "--segment" -> segment = MavenCrmConversion.Segment.valueOf(value(args, ++i).toUpperCase(Locale.ROOT));
                default -> {
                    return usage("unknown option " + args[i]);
                }
            }
        }
        DatasetConversion conversion = switch (dataset) {
            case "olist" -> new OlistConversion();
            case "maven-crm" -> new MavenCrmConversion(segment);
            default -> null;
        };
        if (conversion == null) {
            return usage("unknown dataset " + dataset + "; the datasets are olist and maven-crm");
        }
        if (!Files.isDirectory(datasets)) {
            System.err.println("l2r: no datasets folder at " + datasets.toAbsolutePath()
                    + " (set --datasets or L2R_DATASETS)");
            return 1;
        }

        Path csv = out != null ? out : Files.createTempFile("l2r-" + dataset + "-", ".csv");
        long rows;
        Map<String, Long> skipped;
        try (Writer writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
             ImportCsvWriter csvOut = new ImportCsvWriter(writer)) {
            skipped = conversion.convert(datasets, csvOut);
            rows = csvOut.rows();
        }
        System.out.println("Converted " + dataset + " from " + datasets.toAbsolutePath().normalize() + ": " + rows
                + " stage changes (source '" + conversion.source() + "') in " + csv);
        skipped.forEach((rule, n) -> System.out.println("  skipped " + n + " source rows: " + rule));
        if (dryRun) {
            return 0;
        }
        try {
            return send(url, conversion.source(), csv);
        } finally {
            if (out == null) {
                Files.deleteIfExists(csv);
            }
        }
    }

    private static int send(String url, String source, Path csv) throws IOException, InterruptedException {
        ApiClient api = ApiClient.fromEnvironment();
        HttpRequest.Builder request = api.request(url, "/api/imports?source=" + source)
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(csv));
        System.out.println("POST " + request.build().uri());
        HttpResponse<String> response;
        try {
            response = api.send(request);
        } catch (IOException e) {
            System.err.println("l2r: could not reach lead-service at " + url + " (" + e + "); is it up? (bin/l2r up)");
            return 1;
        }
        System.out.println("HTTP " + response.statusCode());
        System.out.println(response.body());
        return response.statusCode() == 200 ? 0 : 1;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int usage(String problem) {
        System.err.println("l2r: " + problem);
        System.err.println("usage: bin/l2r import-dataset <olist|maven-crm> [--url http://localhost:8081] "
                + "[--datasets DIR] [--out FILE] [--dry-run] [--segment product|sector]");
        return 2;
    }
}
