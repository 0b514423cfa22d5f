package dev.l2r.forecast.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training from the {@link HistoryIndex} gives exactly what training from {@link History#asOf} snapshots gave
 * (the computation before the index): on random histories — ties between entries, closes and the asOf, closes
 * corrected later, amounts in other currencies, leads without a segment — at moments before, inside and after
 * them, the whole forecast (every lead's line, the interval with its calibration, the model section), the
 * expectation, a lever's rerun and an attainment serialise to the same JSON.
 */
class IndexedTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final List<String> STAGES = List.of("MQL", "SQL", "OPPORTUNITY");

    @Test
    void theIndexTrainsTheSameModelAsTheSnapshots() {
        Tries.forAll(40, RandomHistory::draw, drawn -> {
            History history = drawn.history();
            ForecastModel.Settings settings = new ForecastModel.Settings(new WinModel.Settings(3, 1), 1, 60, 200,
                    7, 12, 4, true);
            for (Instant asOf : drawn.moments()) {
                ForecastModel before = ForecastModel.trainFromSnapshots(history, asOf, "USD", STAGES, settings);
                ForecastModel now = ForecastModel.train(history, asOf, "USD", STAGES, settings);
                for (double h : new double[] {30, 90}) {
                    for (String groupBy : new String[] {null, "owner"}) {
                        assertThat(json(now.forecast(h, groupBy))).as("forecast as of %s over %s by %s", asOf, h,
                                groupBy).isEqualTo(json(before.forecast(h, groupBy)));
                    }
                    assertThat(json(now.expectation(h, "segment"))).isEqualTo(json(before.expectation(h, "segment")));
                    Levers levers = new Levers(0.1, "SQL", 0.2, 0.1, 0.3, "ch1");
                    assertThat(now.expectedRevenueUnder(h, levers)).isEqualTo(before.expectedRevenueUnder(h, levers));
                }
                RevenueTarget target = new RevenueTarget(Days.plus(asOf, -20), Days.plus(asOf, 40), "rep1", null,
                        new BigDecimal("50000"), "USD");
                assertThat(json(now.attainment(target))).isEqualTo(json(before.attainment(target)));
            }
        });
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
