package dev.l2r.bench.harness;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A closed-loop HTTP load: {@code concurrency} workers send the requests {@code 0..count-1} as fast as the
 * server answers, timing each one. A request answered outside 2xx counts as an error, not a sample.
 */
public final class HttpLoad {

    public record Result(int requests, int errors, double seconds, LatencyStats latency, String firstError) {
        public double perSecond() {
            return (requests - errors) / seconds;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    public Result run(int count, int concurrency, IntFunction<HttpRequest> request) throws Exception {
        long[] samples = new long[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        String[] firstError = new String[1];
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            Future<?>[] workers = new Future<?>[concurrency];
            for (int w = 0; w < concurrency; w++) {
                workers[w] = pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> response = http.send(request.apply(i),
                                    HttpResponse.BodyHandlers.ofString());
                            samples[i] = System.nanoTime() - t0;
                            if (response.statusCode() / 100 != 2) {
                                errors.incrementAndGet();
                                firstError[0] = firstError[0] == null
                                        ? response.statusCode() + " " + response.body() : firstError[0];
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            firstError[0] = firstError[0] == null ? e.toString() : firstError[0];
                        }
                    }
                    return null;
                });
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(count, errors.get(), seconds, LatencyStats.ofNanos(samples), firstError[0]);
    }
}
