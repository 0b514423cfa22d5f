package dev.l2r.forecast.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.events.LeadEvent;
import dev.l2r.forecast.RandomLeads;
import dev.l2r.forecast.Scenario;
import dev.l2r.forecast.model.Backtest;
import dev.l2r.forecast.model.ForecastModel;
import dev.l2r.forecast.model.FunnelRoles;
import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.Kpis;
import dev.l2r.forecast.projection.Projector;
import dev.l2r.forecast.store.HistoryCache;
import dev.l2r.forecast.store.HistoryStore;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.Tries;
import dev.l2r.platform.time.ApiTimes;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static dev.l2r.forecast.Scenario.day;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory history and the answers kept per revision give exactly what reading the tables on every question
 * gave (the path before them, worked out here beside the service): on random histories, after a first batch, after
 * a second batch that changes some of the same leads (closes corrected, leads moved on) and adds others, and after
 * the tables are emptied under it.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class HistoryCacheTest {

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ForecastService service;

    @Inject
    HistoryStore store;

    @Inject
    HistoryCache cache;

    @Inject
    Projector projector;

    @Inject
    ObjectMapper json;

    Scenario scenario;

    @BeforeEach
    void start() throws Exception {
        scenario = new Scenario(infra, dataSource);
        scenario.reset();
    }

    @AfterEach
    void close() {
        scenario.close();
    }

    @Test
    void answersFromMemoryEqualAnswersFromTheTablesThroughChangesAndResets() throws Exception {
        Random random = new Random(Tries.seed());
        for (int round = 0; round < 2; round++) {
            RandomLeads leads = new RandomLeads(random, "r" + round + "-", 50, day(0));
            List<LeadEvent> first = new ArrayList<>(leads.first);
            Collections.shuffle(first, random);
            scenario.publishKindsAndAwait(first);
            long before = cache.view().revision();
            assertSame();
            scenario.publishKindsAndAwait(leads.second);
            assertThat(cache.view().revision()).as("the second batch moved the revision on").isGreaterThan(before);
            assertSame();
            // emptied under the cache (as a rebuild's TRUNCATE does): the next question reads everything again
            scenario.reset();
            assertThat(cache.view().cut(day(1000), day(1000)).spells()).isEmpty();
        }
    }

    /** Every answer, from memory and from the tables, at moments across the history. */
    private void assertSame() throws Exception {
        History all = store.load(null, day(1000), day(1000));
        History held = cache.view().cut(day(1000), day(1000));
        assertThat(held.open()).isEqualTo(all.open());
        assertThat(held.arrivals()).isEqualTo(all.arrivals());
        assertThat(new HashSet<>(held.spells())).isEqualTo(new HashSet<>(all.spells()));
        assertThat(new HashSet<>(held.closes())).isEqualTo(new HashSet<>(all.closes()));
        assertThat(held.spells()).hasSameSizeAs(all.spells());
        assertThat(held.closes()).hasSameSizeAs(all.closes());

        String currency = service.currency(null);
        List<String> stages = projector.funnel().openStages();
        ForecastModel.Settings settings = service.settings(null, null);
        for (double d : new double[] {40, 120, 190, 260}) {
            Instant asOf = day(d);
            for (String groupBy : new String[] {null, "owner"}) {
                for (double h : new double[] {30, 90}) {
                    ForecastModel old = ForecastModel.train(store.load(null, asOf, asOf), asOf, currency, stages,
                            settings);
                    var f = old.forecast(h, groupBy);
                    String expected = json.writeValueAsString(f.withTarget(null, f.groups()).withoutLeads());
                    // twice: the second answer comes from the model kept for this revision
                    for (int i = 0; i < 2; i++) {
                        assertThat(json.writeValueAsString(service.forecast(asOf, h, groupBy, null, null, null)))
                                .as("forecast as of day %s, %s days, by %s", d, h, groupBy).isEqualTo(expected);
                    }
                }
            }
            Instant end = asOf.minusNanos(1000);
            Kpis.Result kpis = Kpis.compute(day(0), asOf, store.closesIn(day(0), asOf), store.openAt(end),
                    FunnelRoles.of(projector.funnel()), currency, "owner");
            assertThat(json.writeValueAsString(service.kpis(new ApiTimes.Period(day(0), asOf), "owner", null)))
                    .as("kpis to day %s", d).isEqualTo(json.writeValueAsString(kpis));
        }
        List<Backtest.Period> periods = Backtest.periods(day(60), day(240), "month");
        Instant last = periods.get(periods.size() - 1).start().minusNanos(1000);
        Backtest.Result expected = Backtest.run(store.load(null, last, periods.get(periods.size() - 1).end()),
                periods, null, "month", currency, stages, settings);
        assertThat(json.writeValueAsString(service.backtest(periods, null, "month", null, null, true, true)))
                .isEqualTo(json.writeValueAsString(expected));
    }
}
