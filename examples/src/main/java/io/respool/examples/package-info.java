/**
 * Runnable examples: embedding DSS and DMS, and a two-node cluster on one machine.
 */
package io.respool.examples;
