package dev.l2r.platform.auth;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a credential may do. {@code read}: every GET. {@code write}: intake (transitions, batches, imports).
 * {@code admin}: funnel definition, targets, rebuilds, catch-up, keys, dead letters. An admin may also read and
 * write (scripts and checks get in with one key); a writer does not read (a CRM sync needs no funnel figures).
 */
public enum Scope {
    READ, WRITE, ADMIN;

    /** The role name resources name in {@code @RolesAllowed}. */
    public static final String READ_ROLE = "read";
    public static final String WRITE_ROLE = "write";
    public static final String ADMIN_ROLE = "admin";

    public String role() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Scope s : values()) {
            if (s.role().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The scopes granted by holding these, the implied ones included. */
    public static Set<Scope> granted(Collection<Scope> held) {
        EnumSet<Scope> granted = held.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(held);
        if (granted.contains(ADMIN)) {
            granted.add(READ);
            granted.add(WRITE);
        }
        return granted;
    }

    /** The role names of {@link #granted}. */
    public static Set<String> roles(Collection<Scope> held) {
        Set<String> roles = new TreeSet<>();
        granted(held).forEach(s -> roles.add(s.role()));
        return roles;
    }
}
