/**
 * DMS engine: page ownership, cache fusion and global locks between database nodes over Aeron. Package-private
 * but for {@link io.respool.dms.NodeLauncher} (the API's door in) and {@link io.respool.dms.AeronSetup} (for the raw
 * Aeron benchmark); applications use {@link io.respool.dms.api}.
 */
package io.respool.dms;
