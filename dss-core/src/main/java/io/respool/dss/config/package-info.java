/**
 * DSS home directories laid out as openGauss has them: {@code cfg/dss_inst.ini} and {@code cfg/dss_vg_conf.ini}.
 */
package io.respool.dss.config;
