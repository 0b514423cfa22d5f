package dev.l2r.lead.identity;

import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.platform.retry.Retries;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;

/**
 * Takes links, each merge in its own transaction ({@link MergeRecorder}); a merge that lost a race with another
 * writer (a deadlock between lead locks, a lead created meanwhile) is tried again at once, as intake does.
 */
@ApplicationScoped
public class Links {

    private static final int ATTEMPTS = 4;

    @Inject
    MergeRecorder recorder;

    private Guard racesRetried;

    @PostConstruct
    void guard() {
        racesRetried = Retries.attempts("recording a link", ATTEMPTS, RecordingFailed::lostRace, Duration.ZERO);
    }

    public LinkResult link(Link link) {
        try {
            return racesRetried.call(() -> recorder.link(link), LinkResult.class);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        }
    }

    /** Takes each link in order; answers how many merged two leads. */
    public int linkAll(List<Link> links) {
        int merged = 0;
        for (Link link : links) {
            merged += link(link).merged() ? 1 : 0;
        }
        return merged;
    }
}
