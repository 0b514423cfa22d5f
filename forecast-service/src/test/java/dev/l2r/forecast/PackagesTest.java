package dev.l2r.forecast;

import dev.l2r.forecast.model.ForecastModel;
import dev.l2r.infra.test.CompiledPackages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * forecast-service's packages depend on each other one way only: the model at the bottom, then storage and the
 * projection, the consumers and the API on top; and the model is plain Java. Read from the compiled classes.
 */
class PackagesTest {

    private static final CompiledPackages COMPILED = CompiledPackages.of("dev.l2r.forecast", ForecastModel.class);

    @Test
    void packagesFormNoCycle() {
        assertThat(COMPILED.classes()).as("compiled classes of forecast-service").hasSizeGreaterThan(30);
        assertThat(COMPILED.packageCycle()).as("a package cycle").isEmpty();
    }

    @Test
    void theModelUsesNothingButItselfAndTheEventContract() {
        assertThat(COMPILED.packageGraph().get("dev.l2r.forecast.model")).as("what the model refers to").isEmpty();
        assertThat(COMPILED.classes().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dev.l2r.forecast.model."))
                .flatMap(e -> e.getValue().stream().filter(r -> r.startsWith("jakarta.") || r.startsWith("io.")
                        || r.startsWith("java.sql.") || r.startsWith("org.eclipse.") || r.startsWith("org.apache.kafka"))
                        .map(r -> e.getKey() + " uses " + r))
                .toList()).as("framework, database or broker classes in the model").isEmpty();
    }
}
