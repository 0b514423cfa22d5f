package dev.l2r.platform.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeTest {

    @Test
    void adminImpliesReadAndWriteButWriteImpliesNothing() {
        assertThat(Scope.roles(List.of(Scope.ADMIN))).containsExactly("admin", "read", "write");
        assertThat(Scope.roles(List.of(Scope.WRITE))).containsExactly("write");
        assertThat(Scope.roles(List.of(Scope.READ, Scope.WRITE))).containsExactly("read", "write");
        assertThat(Scope.roles(List.of())).isEmpty();
    }

    @Test
    void namesAreTheRolesResourcesCheck() {
        assertThat(Scope.of("read")).contains(Scope.READ);
        assertThat(Scope.of("ADMIN")).isEmpty();
        assertThat(Scope.of("admin ")).isEmpty();
        assertThat(Scope.of(null)).isEmpty();
        assertThat(List.of(Scope.READ_ROLE, Scope.WRITE_ROLE, Scope.ADMIN_ROLE))
                .containsExactly(Scope.READ.role(), Scope.WRITE.role(), Scope.ADMIN.role());
    }
}
