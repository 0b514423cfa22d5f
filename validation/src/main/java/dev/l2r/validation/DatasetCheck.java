package dev.l2r.validation;

import java.io.PrintStream;

/** One dataset's validation: prints a table of figures and says whether the services agree with it. */
public interface DatasetCheck {

    /** @return whether every figure agrees */
    boolean run(Environment env, PrintStream out) throws Exception;
}
