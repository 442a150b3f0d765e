/**
 * The cluster manager: stands above {@code dss-core} and the {@code dms-core} API, arbitrates on the shared disk
 * through {@code io.respool.dss.arbitration}, fences through DSS, and feeds DMS its membership views through a
 * {@link io.respool.dms.api.MembershipSource}. Neither core module imports it.
 */
package io.respool.cluster;
