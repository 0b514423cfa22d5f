package dev.l2r.bench.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The sends of an open-loop load, fixed in advance: at {@code eventsPerSecond} for {@code seconds}, a share of the
 * events as single requests spaced evenly, the rest as deliveries of {@code deliverySize} events spaced evenly too,
 * and every {@code samplePeriodMillis} one send whose (last) event is a sample to be watched until visible,
 * alternately a single and a delivery. Times are offsets from the start; a send is due at its time whether or
 * not the server answered the ones before (so the latency measured includes any queueing).
 */
public final class OpenLoopPlan {

    public enum Kind { SINGLE, DELIVERY }

    /** One request: when it is due, what it carries, and its sample number or -1. */
    public record Send(long atNanos, Kind kind, int index, int events, int sample) {
    }

    private OpenLoopPlan() {
    }

    public static List<Send> of(int eventsPerSecond, int seconds, double singleShare, int deliverySize,
                                int samplePeriodMillis) {
        long singles = Math.round(eventsPerSecond * singleShare) * (long) seconds;
        long deliveries = Math.round(eventsPerSecond * (1 - singleShare) / deliverySize) * (long) seconds;
        long span = seconds * 1_000_000_000L;
        List<Send> sends = new ArrayList<>();
        for (int i = 0; i < singles; i++) {
            sends.add(new Send(span * i / singles, Kind.SINGLE, i, 1, -1));
        }
        for (int i = 0; i < deliveries; i++) {
            // half a period after the singles' grid, so that the two kinds interleave
            sends.add(new Send(span * i / deliveries + span / deliveries / 2, Kind.DELIVERY, i, deliverySize, -1));
        }
        sends.sort(Comparator.comparingLong(Send::atNanos));
        int samples = (int) (seconds * 1000L / samplePeriodMillis);
        int next = 0;
        for (int k = 0; k < samples; k++) {
            long due = k * (long) samplePeriodMillis * 1_000_000L;
            Kind wanted = k % 2 == 0 ? Kind.SINGLE : Kind.DELIVERY;
            // the first send of the wanted kind at or after the sample's time
            while (next < sends.size() && (sends.get(next).atNanos() < due || sends.get(next).kind() != wanted)) {
                next++;
            }
            if (next == sends.size()) {
                break;
            }
            Send s = sends.get(next);
            sends.set(next, new Send(s.atNanos(), s.kind(), s.index(), s.events(), k));
            next++;
        }
        return sends;
    }
}
