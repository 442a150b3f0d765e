/**
 * JMH benchmarks of DSS: 8 KiB random reads and writes through the file API beside raw {@code pread}/{@code pwrite}
 * on the same image blocks, and the durable metadata create/delete rate beside raw synced writes.
 */
package io.respool.bench.dss;
