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

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A consumer's apply step in each event's own trace: one span per record ({@code <topic> process}, kind CONSUMER),
 * a child of the context in the record's {@code traceparent} header, so that the trace that began with the HTTP
 * request holds the apply of every consumer. Records of one poll are applied in one transaction, so their spans
 * share its start and end; {@code messaging.batch.message_count} says how many shared it.
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

    /** Starts a span for every traced record of a poll; close the batch when its transaction is done. */
    public Batch start(Iterable<? extends ConsumerRecord<?, String>> records, int count) {
        Map<ConsumerRecord<?, ?>, Span> spans = new IdentityHashMap<>();
        for (ConsumerRecord<?, String> record : records) {
            TraceContext context = TraceContext.of(record.headers());
            if (!context.present()) {
                continue;
            }
            Span span = tracer.spanBuilder(record.topic() + " process")
                    .setParent(context.parent())
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute(SYSTEM, "kafka")
                    .setAttribute(OPERATION, "process")
                    .setAttribute(DESTINATION, record.topic())
                    .setAttribute(PARTITION, Integer.toString(record.partition()))
                    .setAttribute(OFFSET, record.offset())
                    .setAttribute(BATCH, (long) count)
                    .setAttribute(CONSUMER, consumer)
                    .startSpan();
            if (span.isRecording()) {
                // only for spans that are exported: reading the id means parsing the payload once more
                if (record.key() != null) {
                    span.setAttribute(KEY, record.key().toString());
                }
                span.setAttribute(EVENT_ID, EventIds.of(record.value()));
            }
            spans.put(record, span);
        }
        return new Batch(spans);
    }

    /** The spans of one poll. Not thread-safe: a batch is applied on one thread. */
    public static final class Batch implements AutoCloseable {

        private final Map<ConsumerRecord<?, ?>, Span> open;
        private final Scope scope;

        Batch(Map<ConsumerRecord<?, ?>, Span> open) {
            this.open = open;
            // a batch of one traced record: its span is current, so that log lines carry its traceId (the MDC)
            this.scope = open.size() == 1 ? open.values().iterator().next().makeCurrent() : null;
        }

        /** This record went to the dead-letter topic: its span ends now, as an error with the reason. */
        public void deadLettered(ConsumerRecord<?, ?> record, String reason) {
            Span span = open.remove(record);
            if (span != null) {
                span.setAttribute(OUTCOME, DEAD_LETTERED);
                span.setStatus(StatusCode.ERROR, reason);
                span.end();
            }
        }

        /** This record needs no apply (a rebuild already replayed it, say): its span ends now with the outcome. */
        public void passedOver(ConsumerRecord<?, ?> record, String outcome) {
            Span span = open.remove(record);
            if (span != null) {
                span.setAttribute(OUTCOME, outcome);
                span.end();
            }
        }

        /** The batch failed: every span still open ends as an error with the exception. */
        public void failed(Throwable error) {
            for (Span span : open.values()) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
                span.end();
            }
            open.clear();
        }

        /** Every span still open ends as applied. */
        @Override
        public void close() {
            for (Span span : open.values()) {
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
