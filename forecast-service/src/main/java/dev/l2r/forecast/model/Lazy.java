package dev.l2r.forecast.model;

import java.util.function.Supplier;

/** A value built when first asked for, once, however many threads ask at once. */
final class Lazy<T> {

    private final Supplier<T> build;
    private volatile T built;

    Lazy(Supplier<T> build) {
        this.build = build;
    }

    T get() {
        T made = built;
        if (made == null) {
            synchronized (this) {
                made = built;
                if (made == null) {
                    made = build.get();
                    built = made;
                }
            }
        }
        return made;
    }

    /** The value if it has been built, else null (nothing is built). */
    T ifBuilt() {
        return built;
    }
}
