/**
 * A {@code java.nio.file} provider for DSS, scheme {@code dss}: ordinary Java code reads and writes DSS files
 * through {@link java.nio.file.Files} and {@link java.nio.channels.FileChannel}.
 */
package io.respool.dss.nio;
