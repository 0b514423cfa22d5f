package dev.l2r.lead;

import dev.l2r.infra.test.CompiledPackages;
import dev.l2r.lead.history.LeadLedger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lead-service's packages depend on each other one way only (docs/architecture.md, "Packages and layers"): the
 * ledger and stores at the bottom, recording on them, the intake paths, webhooks and APIs on top. Read from the
 * compiled classes, so a reference written without an import counts too.
 */
class PackagesTest {

    @Test
    void packagesFormNoCycle() {
        CompiledPackages compiled = CompiledPackages.of("dev.l2r.lead", LeadLedger.class);
        assertThat(compiled.classes()).as("compiled classes of lead-service").hasSizeGreaterThan(100);
        assertThat(compiled.packageCycle()).as("a package cycle").isEmpty();
    }
}
