package dev.l2r.bench.harness;

/** One benchmark: measures something of L2R and, in the same run, the raw limit it is compared with. */
public interface Scenario {

    /** The name used on the command line, e.g. {@code intake-single}. */
    String name();

    /** One line for {@code bin/l2r bench --list}. */
    String description();

    void run(BenchContext context, Report report) throws Exception;
}
