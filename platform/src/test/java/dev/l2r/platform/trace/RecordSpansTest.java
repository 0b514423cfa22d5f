package dev.l2r.platform.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The consumer's spans against the real OpenTelemetry SDK, exported to memory. */
class RecordSpansTest {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    private final RecordSpans spans = new RecordSpans(sdk.getTracer("test"), "funnel-service");

    @AfterEach
    void close() {
        sdk.close();
    }

    /** The traceparent W3C writes for this (sampled) remote span: written out by hand, not by the propagator. */
    private static String traceparent(String traceId, String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static ConsumerRecord<String, String> record(long offset, String traceparent) {
        ConsumerRecord<String, String> r = new ConsumerRecord<>("lead-stage-changed", 3, offset, "lead-" + offset,
                "{\"eventId\":\"00000000-0000-0000-0000-00000000000" + offset + "\"}");
        if (traceparent != null) {
            r.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }

    @Test
    void eachRecordsApplyIsAChildOfTheSpanInItsHeaders() {
        String traceA = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traceB = "0af7651916cd43dd8448eb211c80319c";
        ConsumerRecord<String, String> a = record(1, traceparent(traceA, "00f067aa0ba902b7"));
        ConsumerRecord<String, String> b = record(2, traceparent(traceB, "b7ad6b7169203331"));
        ConsumerRecord<String, String> untraced = record(3, null);

        try (RecordSpans.Batch batch = spans.start(List.of(a, b, untraced), 3)) {
            assertThat(batch.open()).as("no span for a record without a context").isEqualTo(2);
        }
        spans.deadLettered(new TraceContext(traceparent(traceA, "53995c3f42cd8ad8"), null), "lead-stage-changed", 3, 4,
                "lead-4", "{\"eventId\": 42", "eventId: integer found, string expected");

        Map<String, SpanData> byParent = exporter.getFinishedSpanItems().stream()
                .collect(Collectors.toMap(SpanData::getParentSpanId, Function.identity()));
        assertThat(byParent).hasSize(3);
        SpanData applyA = byParent.get("00f067aa0ba902b7");
        assertThat(applyA.getTraceId()).isEqualTo(traceA);
        assertThat(applyA.getParentSpanContext().isRemote()).isTrue();
        assertThat(applyA.getName()).isEqualTo("lead-stage-changed process");
        assertThat(applyA.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(applyA.getAttributes().get(RecordSpans.OFFSET)).isEqualTo(1L);
        assertThat(applyA.getAttributes().get(RecordSpans.PARTITION)).isEqualTo("3");
        assertThat(applyA.getAttributes().get(RecordSpans.BATCH)).isEqualTo(3L);
        assertThat(applyA.getAttributes().get(RecordSpans.EVENT_ID))
                .isEqualTo("00000000-0000-0000-0000-000000000001");
        assertThat(applyA.getAttributes().get(RecordSpans.CONSUMER)).isEqualTo("funnel-service");
        assertThat(applyA.getAttributes().get(RecordSpans.OUTCOME)).isEqualTo(RecordSpans.APPLIED);
        assertThat(applyA.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        assertThat(byParent.get("b7ad6b7169203331").getTraceId()).isEqualTo(traceB);

        SpanData dead = byParent.get("53995c3f42cd8ad8");
        assertThat(dead.getTraceId()).isEqualTo(traceA);
        assertThat(dead.getAttributes().get(RecordSpans.OUTCOME)).isEqualTo(RecordSpans.DEAD_LETTERED);
        assertThat(dead.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(dead.getStatus().getDescription()).isEqualTo("eventId: integer found, string expected");
        assertThat(dead.getAttributes().get(RecordSpans.OFFSET)).isEqualTo(4L);
        assertThat(dead.getAttributes().get(RecordSpans.EVENT_ID)).as("unreadable").isEqualTo("?");
    }

    @Test
    void aDeadLetterWithoutATraceContextHasNoSpan() {
        spans.deadLettered(TraceContext.NONE, "lead-stage-changed", 0, 1, null, "{}", "unreadable");
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void aFailedBatchEndsEverySpanAsAnErrorWithTheException() {
        ConsumerRecord<String, String> a = record(1, traceparent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"));
        IllegalStateException failure = new IllegalStateException("relation \"cell\" does not exist");
        try (RecordSpans.Batch batch = spans.start(List.of(a), 1)) {
            batch.failed(failure);
        }
        SpanData span = exporter.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getEvents()).extracting(e -> e.getName()).containsExactly("exception");
        assertThat(span.getAttributes().get(RecordSpans.OUTCOME)).isNull();
    }

    @Test
    void aBatchOfOneMakesItsSpanCurrentForTheLogLines() {
        ConsumerRecord<String, String> a = record(1, traceparent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"));
        try (RecordSpans.Batch batch = spans.start(List.of(a), 1)) {
            assertThat(Span.current().getSpanContext().getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
        assertThat(Span.current().getSpanContext().isValid()).as("restored when the batch closes").isFalse();
    }

    @Test
    void aMalformedTraceparentStartsNoChildOfGarbage() {
        ConsumerRecord<String, String> a = record(1, "00-not-a-trace-01");
        try (RecordSpans.Batch batch = spans.start(List.of(a), 1)) {
            assertThat(batch.open()).isEqualTo(1);
        }
        SpanData span = exporter.getFinishedSpanItems().get(0);
        assertThat(span.getParentSpanContext().isValid()).as("a root span, not a child of an invalid id").isFalse();
    }

    @Test
    void theContextRoundTripsThroughHeadersAndRowsWithItsTraceState() {
        SpanContext remote = SpanContext.createFromRemoteParent("4bf92f3577b34da6a3ce929d0e0e4736",
                "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.builder().put("vendor", "x1").build());
        TraceContext context = TraceContext.of(Context.root().with(Span.wrap(remote)));
        assertThat(context).isEqualTo(new TraceContext(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "vendor=x1"));

        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "stale".getBytes(StandardCharsets.UTF_8));
        context.writeTo(headers);
        assertThat(headers.headers("traceparent")).hasSize(1);
        assertThat(TraceContext.of(headers)).isEqualTo(context);
        assertThat(TraceContext.of(Map.of("traceparent", context.traceparent(), "tracestate", "vendor=x1")))
                .as("as a dead letter keeps the headers").isEqualTo(context);
        SpanContext back = Span.fromContext(TraceContext.of(headers).parent()).getSpanContext();
        assertThat(back.getTraceId()).isEqualTo(remote.getTraceId());
        assertThat(back.getSpanId()).isEqualTo(remote.getSpanId());
        assertThat(back.getTraceState().get("vendor")).isEqualTo("x1");

        assertThat(TraceContext.of(Context.root())).isEqualTo(TraceContext.NONE);
        assertThat(TraceContext.NONE.present()).isFalse();
        TraceContext.NONE.writeTo(headers);
        assertThat(headers.toArray()).isEmpty();
    }
}
