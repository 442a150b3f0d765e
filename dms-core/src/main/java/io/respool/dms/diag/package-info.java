/**
 * Diagnostics outside the API: which process holds a UDP or TCP port, read from {@code /proc/net} and
 * {@code /proc/<pid>/fd}.
 */
package io.respool.dms.diag;
