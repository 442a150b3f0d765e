/**
 * DSS: a volume manager and small file system over shared block devices; the public API for an embedding database.
 */
package io.respool.dss;
