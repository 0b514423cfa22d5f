package dev.l2r.funnel.rebuild;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RebuilderTest {

    @Test
    void memorySizesAreReadAsPostgresqlReadsThem() {
        assertThat(Rebuilder.bytes("128MB")).isEqualTo(128L << 20);
        assertThat(Rebuilder.bytes("2GB")).isEqualTo(2L << 30);
        assertThat(Rebuilder.bytes("64kB")).isEqualTo(64L << 10);
        assertThat(Rebuilder.bytes("1024")).isEqualTo(1L << 20);
    }
}
