package dev.l2r.forecast;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Each test starts from empty tables and publishes its own events through the real broker. */
abstract class IntegrationTestBase {

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    Scenario scenario;

    @BeforeEach
    void startScenario() throws Exception {
        scenario = new Scenario(infra, dataSource);
        scenario.reset();
    }

    @AfterEach
    void closeScenario() {
        scenario.close();
    }
}
