package dev.l2r.system.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.infra.ServiceProcess;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Stage changes of new leads sent to lead-service's batch endpoint at a steady rate, as a CRM sync sends them: a
 * request that gets no answer, or a 5xx, is sent again unchanged (same source event ids, so what was recorded the
 * first time is answered as a duplicate) until it is answered 200. What was accepted goes into a {@link Ledger}.
 * <p>
 * Lead {@code <channel>-<i>} has, in its channel and in the stream's month: for {@link Shape#SINGLE} one change, to
 * MQL, OPPORTUNITY or CLOSED_WON in turn (deals with an amount in USD); for {@link Shape#SKIP} an MQL and, a day
 * later, an OPPORTUNITY (skipping the stages between).
 */
final class LeadStream implements AutoCloseable {

    enum Shape { SINGLE, SKIP }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SINGLE_STAGES = {"MQL", "OPPORTUNITY", "CLOSED_WON"};

    final String channel;
    private final Supplier<String> leadUrl;
    private final YearMonth month;
    private final Shape shape;
    private final int leads;
    private final double leadsPerSecond;
    private final int perRequest;
    private final Ledger ledger = new Ledger();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger resent = new AtomicInteger();
    private final AtomicInteger recordedBeforeLostAnswer = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Throwable failure;
    private volatile long lastAcceptedNanos;

    /**
     * @param leadUrl where lead-service answers now (a restarted replica has a new port)
     */
    LeadStream(Supplier<String> leadUrl, String channel, YearMonth month, Shape shape, int leads, double leadsPerSecond,
               int perRequest) {
        this.leadUrl = leadUrl;
        this.channel = channel;
        this.month = month;
        this.shape = shape;
        this.leads = leads;
        this.leadsPerSecond = leadsPerSecond;
        this.perRequest = perRequest;
        this.thread = new Thread(this::run, "lead-stream-" + channel);
        thread.setDaemon(true);
    }

    LeadStream start() {
        thread.start();
        return this;
    }

    Ledger ledger() {
        return ledger;
    }

    /** Events of all leads, sent or not yet. */
    int events() {
        return shape == Shape.SKIP ? 2 * leads : leads;
    }

    /** Answers by HTTP status ("no answer" for a request that got none). */
    Map<String, Integer> answers() {
        return Map.copyOf(answers);
    }

    /** Requests sent again after no answer or a 5xx. */
    int resent() {
        return resent.get();
    }

    /** Events a resent request found recorded already: recorded by a request whose answer was lost. */
    int recordedBeforeLostAnswer() {
        return recordedBeforeLostAnswer.get();
    }

    /** When the latest request was answered 200 (System.nanoTime), 0 before. */
    long lastAcceptedNanos() {
        return lastAcceptedNanos;
    }

    void awaitEnd(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the stream " + channel + " did not end within " + timeout + "; answers " + answers);
        }
        if (failure != null) {
            throw new AssertionError("the stream " + channel + " failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(60_000);
    }

    private void run() {
        try {
            long start = System.nanoTime();
            for (int first = 0; first < leads && !stopped; first += perRequest) {
                long due = start + (long) (first / leadsPerSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                List<Ledger.Lead> batch = new ArrayList<>();
                for (int i = first; i < Math.min(leads, first + perRequest); i++) {
                    batch.add(lead(i));
                }
                sendUntilAnswered(batch);
                ledger.accept(batch);
                lastAcceptedNanos = System.nanoTime();
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    Ledger.Lead lead(int i) {
        String id = channel + "-" + i;
        BigDecimal amount = BigDecimal.valueOf(100 + i % 900);
        if (shape == Shape.SKIP) {
            return new Ledger.Lead(id, List.of("MQL", "OPPORTUNITY"), amount);
        }
        String stage = SINGLE_STAGES[i % 3];
        return new Ledger.Lead(id, List.of(stage), stage.equals("MQL") ? null : amount);
    }

    /** When lead {@code i} reached its {@code n}-th stage: a day of the month (and the next), and a second of it. */
    private Instant at(int i, int n) {
        return month.atDay(1 + i % 27).atStartOfDay().toInstant(ZoneOffset.UTC)
                .plus(Duration.ofDays(n)).plusSeconds(i % 86_000);
    }

    /** The batch body: every change of every lead, in the order it happened. */
    String body(List<Ledger.Lead> batch) {
        ArrayNode items = JSON.createArrayNode();
        for (Ledger.Lead lead : batch) {
            int i = Integer.parseInt(lead.id().substring(lead.id().lastIndexOf('-') + 1));
            for (int n = 0; n < lead.stages().size(); n++) {
                items.add(item(lead, lead.stages().get(n), at(i, n)));
            }
        }
        return items.toString();
    }

    /** One change of one lead, as a batch item. */
    ObjectNode item(Ledger.Lead lead, String stage, Instant at) {
        ObjectNode item = JSON.createObjectNode();
        item.put("leadId", lead.id());
        item.put("toStage", stage);
        item.put("occurredAt", at.toString());
        item.put("source", "api");
        item.put("sourceEventId", lead.id() + "-" + stage);
        if (lead.amount() != null && !stage.equals("MQL")) {
            item.put("amount", lead.amount());
            item.put("currency", "USD");
        }
        item.putObject("attributes").put("channel", channel);
        return item;
    }

    private void sendUntilAnswered(List<Ledger.Lead> batch) throws Exception {
        String body = body(batch);
        int events = batch.stream().mapToInt(l -> l.stages().size()).sum();
        boolean again = false;
        while (true) {
            if (again) {
                resent.incrementAndGet();
            }
            again = true;
            int status;
            String answer;
            try {
                HttpURLConnection http = (HttpURLConnection) URI.create(leadUrl.get() + "/api/transitions").toURL()
                        .openConnection();
                http.setRequestMethod("POST");
                http.setConnectTimeout(2_000);
                http.setReadTimeout(30_000);
                http.setDoOutput(true);
                http.setRequestProperty("Content-Type", "application/json");
                http.setRequestProperty("X-API-Key", ServiceProcess.ADMIN_KEY);
                // one connection per request: a killed server must not leave a pooled connection half-open
                http.setRequestProperty("Connection", "close");
                try (var out = http.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
                status = http.getResponseCode();
                try (InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                    answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                http.disconnect();
            } catch (IOException | IllegalStateException noAnswer) { // IllegalStateException: no replica running
                answers.merge("no answer", 1, Integer::sum);
                Thread.sleep(200);
                continue;
            }
            answers.merge(String.valueOf(status), 1, Integer::sum);
            if (status == 200) {
                JsonNode report = JSON.readTree(answer);
                long taken = report.path("recorded").asLong() + report.path("duplicates").asLong();
                if (report.path("rejectedCount").asLong() != 0 || taken != events) {
                    throw new AssertionError("lead-service did not take every item: " + answer);
                }
                recordedBeforeLostAnswer.addAndGet((int) report.path("duplicates").asLong());
                return;
            }
            if (status < 500) {
                throw new AssertionError("lead-service answered " + status + ": " + answer);
            }
            Thread.sleep(200);
        }
    }
}
