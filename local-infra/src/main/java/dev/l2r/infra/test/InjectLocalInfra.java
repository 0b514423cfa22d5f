package dev.l2r.infra.test;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a {@link dev.l2r.infra.LocalInfra} field of a test that wants to stop or restart Kafka or PostgreSQL. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectLocalInfra {
}
