/**
 * The consumer pipeline both projections use: a poll of lead-stage-changed is checked against one set of rules
 * ({@link dev.l2r.platform.pipeline.RecordCheck}), applied through the service's
 * {@link dev.l2r.platform.pipeline.Projection} in one transaction, retried by one policy
 * ({@link dev.l2r.platform.pipeline.Failures}, {@link dev.l2r.platform.retry.Retries}), and what cannot be used is
 * set aside one way ({@link dev.l2r.platform.pipeline.DeadLetters}), listed and replayed by an operator
 * ({@link dev.l2r.platform.pipeline.DeadLetterResource}). lead-service, which consumes nothing, leaves this package
 * out ({@code quarkus.arc.exclude-types}).
 */
package dev.l2r.platform.pipeline;
