package dev.l2r.system;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

/**
 * A tracing backend as small as it gets: an HTTP server on the loopback that takes OTLP/HTTP trace exports
 * ({@code http/protobuf}) and keeps the spans. The protobuf is read field by field (protobuf-java's
 * {@link UnknownFieldSet}, the field numbers of opentelemetry-proto's trace.proto), so no generated classes.
 */
final class OtlpReceiver implements AutoCloseable {

    /** What a test needs of a span. {@code kind}: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
    record Span(String service, String traceId, String spanId, String parentSpanId, String name, long kind,
                Map<String, String> attributes) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Span> spans = new ConcurrentLinkedQueue<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                byte[] bytes = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                        ? new GZIPInputStream(body).readAllBytes() : body.readAllBytes();
                if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
                    spans.addAll(read(bytes));
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The endpoint to give the services (their exporter adds /v1/traces). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Span> spans() {
        return List.copyOf(spans);
    }

    /** ExportTraceServiceRequest: 1 resource_spans; ResourceSpans: 1 resource, 2 scope_spans; ScopeSpans: 2 spans. */
    static List<Span> read(byte[] request) throws InvalidProtocolBufferException {
        List<Span> read = new java.util.ArrayList<>();
        for (ByteString resourceSpans : UnknownFieldSet.parseFrom(request).getField(1).getLengthDelimitedList()) {
            UnknownFieldSet rs = UnknownFieldSet.parseFrom(resourceSpans);
            String service = null;
            for (ByteString resource : rs.getField(1).getLengthDelimitedList()) {
                service = attributes(UnknownFieldSet.parseFrom(resource), 1).get("service.name");
            }
            for (ByteString scopeSpans : rs.getField(2).getLengthDelimitedList()) {
                for (ByteString span : UnknownFieldSet.parseFrom(scopeSpans).getField(2).getLengthDelimitedList()) {
                    // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes
                    UnknownFieldSet s = UnknownFieldSet.parseFrom(span);
                    read.add(new Span(service, hex(s, 1), hex(s, 2), hex(s, 4), text(s, 5),
                            s.getField(6).getVarintList().isEmpty() ? 0 : s.getField(6).getVarintList().get(0),
                            attributes(s, 9)));
                }
            }
        }
        return read;
    }

    /** Field 9 of a span, 1 of a resource: KeyValue (1 key, 2 AnyValue: 1 string_value, 3 int_value). */
    private static Map<String, String> attributes(UnknownFieldSet owner, int field)
            throws InvalidProtocolBufferException {
        Map<String, String> attributes = new HashMap<>();
        for (ByteString kv : owner.getField(field).getLengthDelimitedList()) {
            UnknownFieldSet pair = UnknownFieldSet.parseFrom(kv);
            String key = text(pair, 1);
            for (ByteString any : pair.getField(2).getLengthDelimitedList()) {
                UnknownFieldSet value = UnknownFieldSet.parseFrom(any);
                if (!value.getField(1).getLengthDelimitedList().isEmpty()) {
                    attributes.put(key, text(value, 1));
                } else if (!value.getField(3).getVarintList().isEmpty()) {
                    attributes.put(key, String.valueOf(value.getField(3).getVarintList().get(0)));
                }
            }
        }
        return attributes;
    }

    private static String hex(UnknownFieldSet message, int field) {
        List<ByteString> values = message.getField(field).getLengthDelimitedList();
        return values.isEmpty() ? "" : HexFormat.of().formatHex(values.get(0).toByteArray());
    }

    private static String text(UnknownFieldSet message, int field) {
        List<ByteString> values = message.getField(field).getLengthDelimitedList();
        return values.isEmpty() ? "" : values.get(0).toStringUtf8();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
