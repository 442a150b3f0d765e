/**
 * Command-line tools: {@code dsscmd} for DSS volume groups and {@code dmscmd} for DMS clusters.
 */
package io.respool.cli;
