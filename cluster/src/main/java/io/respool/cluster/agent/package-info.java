/**
 * The per-host agent (what openGauss's {@code cm_agent} and {@code om_monitor} do): supervises this host's resources
 * defined in {@code cm_resource.json}, restarts them within {@code restart_times}, refuses to start on a taken port,
 * watches memory, obeys the openGauss flag files and publishes its state in a file {@code cmctl} reads.
 */
package io.respool.cluster.agent;
