/**
 * {@code dsscmd}: the openGauss DSS command line, offline, on the volumes named in a DSS home. The entry point is
 * {@link io.respool.cli.dss.DssCmd}; one package-private class per subcommand.
 */
package io.respool.cli.dss;
