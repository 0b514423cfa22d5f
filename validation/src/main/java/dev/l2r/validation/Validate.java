package dev.l2r.validation;

import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bin/l2r validate DATASET}: runs the dataset's check against running services and prints the services'
 * figures beside independently computed ones. Exit status 0 when every figure agrees, 1 when one does not, 2 on
 * a usage or set-up error. Each dataset has its own {@link DatasetCheck} class, registered here.
 */
public final class Validate {

    private static final Map<String, Supplier<DatasetCheck>> CHECKS = Map.of(
            "olist", OlistValidation::new,
            "maven-crm", MavenCrmValidation::new);

    private Validate() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !CHECKS.containsKey(args[0])) {
            System.err.println("usage: validate <" + String.join("|", CHECKS.keySet()) + ">");
            System.exit(2);
        }
        Environment env = Environment.fromSystem();
        boolean agree = CHECKS.get(args[0]).get().run(env, System.out);
        System.exit(agree ? 0 : 1);
    }
}
