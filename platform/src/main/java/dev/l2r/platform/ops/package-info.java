/**
 * What operating a service needs and every service does the same way: request ids in the logs, projection
 * freshness and webhook latency in the metrics, a startup check that waits for the schema. Beans here are
 * discovered through this jar's Jandex index; the services bring the Quarkus extensions they rely on.
 */
package dev.l2r.platform.ops;
