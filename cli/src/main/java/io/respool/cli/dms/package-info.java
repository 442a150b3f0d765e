/**
 * dmscmd: the DMS command line (port checks before starting, live node statistics, a demo node).
 */
package io.respool.cli.dms;
