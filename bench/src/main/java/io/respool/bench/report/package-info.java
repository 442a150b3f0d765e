/**
 * One run of every benchmark ({@code bench/run-all.sh}) and the generated section of {@code bench/RESULTS.md}.
 */
package io.respool.bench.report;
