/**
 * JMH benchmarks of the latency-critical paths, each beside a raw baseline measured in the same run.
 */
package io.respool.bench;
