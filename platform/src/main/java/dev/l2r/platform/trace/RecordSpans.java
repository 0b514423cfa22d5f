package dev.l2r.platform.trace;

import dev.l2r.platform.ops.EventIds;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * A consumer's apply step in each event's own trace: one span per record ({@code <topic> process}, kind CONSUMER),
 * a child of the context in the record's {@code traceparent} header, so that the trace that began with the HTTP
 * request holds the apply of every consumer. Records applied together share one transaction, so their spans share
 * its start and end; {@code messaging.batch.message_count} says how many shared it. An attempt that fails ends its
 * spans as errors with the exception (a retried record has a span per attempt), and a record set aside has a span
 * of its own that says so ({@link #deadLettered}).
 *
 * <p>Why not one span per batch with a link to each record: a batch span lives in a trace of its own, and a tracing
 * UI shows links from the batch's side only. An operator who looks up a stage change's trace would not find its
 * apply, nor why it waited; one span per record puts it there, and costs nothing when tracing is off (the spans
 * are no-ops). A record without a trace context gets no span: it would start a trace of its own that no request
 * belongs to.
 */
@Singleton
public class RecordSpans {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
    static final AttributeKey<Long> BATCH = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("l2r.consumer");
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("l2r.event.id");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("l2r.outcome");

    /** The outcome of a record that was applied (or found applied before) with its batch. */
    public static final String APPLIED = "applied";
    public static final String DEAD_LETTERED = "dead-lettered";

    private final Tracer tracer;
    private final String consumer;

    @Inject
    public RecordSpans(Tracer tracer, @ConfigProperty(name = "quarkus.application.name") String consumer) {
        this.tracer = tracer;
        this.consumer = consumer;
    }

    /** Starts a span for every traced record applied together; close the batch when its transaction is done. */
    public Batch start(Iterable<? extends ConsumerRecord<?, String>> records, int count) {
        List<Span> spans = new ArrayList<>();
        for (ConsumerRecord<?, String> record : records) {
            Span span = span(TraceContext.of(record.headers()), record.topic(), record.partition(), record.offset(),
                    record.key() == null ? null : record.key().toString(), record.value(), count);
            if (span != null) {
                spans.add(span);
            }
        }
        return new Batch(spans);
    }

    /** A record set aside (refused by the check, or failing on its own): a span that ends at once, as an error. */
    public void deadLettered(TraceContext context, String topic, int partition, long offset, String key,
                             String payload, String reason) {
        Span span = span(context, topic, partition, offset, key, payload, 1);
        if (span != null) {
            span.setAttribute(OUTCOME, DEAD_LETTERED);
            span.setStatus(StatusCode.ERROR, reason);
            span.end();
        }
    }

    private Span span(TraceContext context, String topic, int partition, long offset, String key, String payload,
                      int count) {
        if (!context.present()) {
            return null;
        }
        Span span = tracer.spanBuilder(topic + " process")
                .setParent(context.parent())
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(OPERATION, "process")
                .setAttribute(DESTINATION, topic)
                .setAttribute(PARTITION, Integer.toString(partition))
                .setAttribute(OFFSET, offset)
                .setAttribute(BATCH, (long) count)
                .setAttribute(CONSUMER, consumer)
                .startSpan();
        if (span.isRecording()) {
            // only for spans that are exported: reading the id means parsing the payload once more
            if (key != null) {
                span.setAttribute(KEY, key);
            }
            span.setAttribute(EVENT_ID, EventIds.of(payload));
        }
        return span;
    }

    /** The spans of records applied together. Not thread-safe: they are applied on one thread. */
    public static final class Batch implements AutoCloseable {

        private final List<Span> open;
        private final Scope scope;

        Batch(List<Span> open) {
            this.open = open;
            // one traced record: its span is current, so that log lines carry its traceId (the MDC)
            this.scope = open.size() == 1 ? open.get(0).makeCurrent() : null;
        }

        /** The attempt failed: every span still open ends as an error with the exception. */
        public void failed(Throwable error) {
            for (Span span : open) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                span.end();
            }
            open.clear();
        }

        /** Every span still open ends as applied. */
        @Override
        public void close() {
            for (Span span : open) {
                span.setAttribute(OUTCOME, APPLIED);
                span.end();
            }
            open.clear();
            if (scope != null) {
                scope.close();
            }
        }

        /** Spans still open. */
        public int open() {
            return open.size();
        }
    }
}
