/**
 * The on-disk format of a volume group: layouts, flyweights over {@code DirectBuffer}, versions and checksums.
 * Described in {@code dss-core/FORMAT.md}.
 */
package io.respool.dss.format;
