/**
 * DMS: page ownership, cache fusion and global locks between database nodes over Aeron.
 */
package io.respool.dms;
