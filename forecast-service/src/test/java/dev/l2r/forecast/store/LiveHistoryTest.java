package dev.l2r.forecast.store;

import dev.l2r.forecast.model.Arrival;
import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.OpenInterval;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The rows held per lead, handed over unsorted ({@link History#ofSorted}), are in the order sorting gives them. */
class LiveHistoryTest {

    @Test
    void heldRowsAreInTheOrderSortingGives() {
        Tries.forAll(40, CalibrationCarryOverTest::draw, drawn -> {
            LiveHistory live = new LiveHistory();
            live.load(drawn.before().history());
            live.replace(drawn.changed(), drawn.after().history());
            History held = live.rows().all();
            Random random = new Random(held.open().size());
            List<OpenInterval> open = new ArrayList<>(held.open());
            List<Arrival> arrivals = new ArrayList<>(held.arrivals());
            Collections.shuffle(open, random);
            Collections.shuffle(arrivals, random);
            History sorted = new History(open, held.spells(), held.closes(), arrivals);
            assertThat(held.open()).isEqualTo(sorted.open());
            assertThat(held.arrivals()).isEqualTo(sorted.arrivals());
        });
    }
}
