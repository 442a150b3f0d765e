/**
 * The main job: a two-node cluster on one machine, each node a JVM embedding DSS and DMS, sharing one sparse image
 * and shipping table pages between them; {@link io.respool.examples.cluster.ClusterDemo} runs and checks it.
 */
package io.respool.examples.cluster;
