/**
 * cmctl: openGauss {@code cm_ctl}'s commands (start, stop, query, list/res, view, set/get, switchover, failover)
 * over the agents' state files and flag files, without a server or extra network.
 */
package io.respool.cli.cm;
