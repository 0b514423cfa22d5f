package dev.l2r.platform.trace;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The W3C trace context of one event ({@value #TRACEPARENT}, and {@value #TRACESTATE} when a vendor set one), as an
 * outbox row stores it and a Kafka record carries it in its headers. Always W3C, whatever else the services
 * propagate over HTTP: the columns and headers are named after it. Both fields are null when there is no trace
 * (tracing off, or a row written before there was one).
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final TraceContext NONE = new TraceContext(null, null);

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    /** The context of the span current on this thread (the HTTP request's, during intake). */
    public static TraceContext current() {
        return of(Context.current());
    }

    public static TraceContext of(Context context) {
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(context, carrier, Map::put);
        return carrier.isEmpty() ? NONE : new TraceContext(carrier.get(TRACEPARENT), carrier.get(TRACESTATE));
    }

    /** What a record's headers carry; the last value of a header counts, as Kafka's {@code lastHeader} reads it. */
    public static TraceContext of(Headers headers) {
        return new TraceContext(text(headers.lastHeader(TRACEPARENT)), text(headers.lastHeader(TRACESTATE)));
    }

    /** What a record's headers, read into a map (as a dead letter keeps them), carry. */
    public static TraceContext of(Map<String, String> headers) {
        return new TraceContext(headers.get(TRACEPARENT), headers.get(TRACESTATE));
    }

    public boolean present() {
        return traceparent != null;
    }

    /**
     * The context to start a child span in: the remote span this context names, or the root context when there is
     * none or it is malformed (the W3C propagator ignores a traceparent it cannot read).
     */
    public Context parent() {
        if (!present()) {
            return Context.root();
        }
        return W3C.extract(Context.root(), this, Getter.INSTANCE);
    }

    /** Sets these headers on a record, replacing any it had. */
    public void writeTo(Headers headers) {
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        if (traceparent != null) {
            headers.add(TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        if (tracestate != null) {
            headers.add(TRACESTATE, tracestate.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private enum Getter implements TextMapGetter<TraceContext> {
        INSTANCE;

        @Override
        public Iterable<String> keys(TraceContext carrier) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(TraceContext carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return TRACEPARENT.equals(key) ? carrier.traceparent : TRACESTATE.equals(key) ? carrier.tracestate : null;
        }
    }
}
