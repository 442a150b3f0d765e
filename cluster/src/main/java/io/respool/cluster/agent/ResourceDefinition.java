package io.respool.cluster.agent;

import java.util.List;

/**
 * One resource of {@code cm_resource.json}, with CM's keys and defaults ({@code check_interval} 1 s, {@code time_out}
 * 10 s, {@code restart_delay} 1 s, {@code restart_period} 1 s, {@code restart_times} -1 = forever,
 * {@code abnormal_timeout} 30 s).
 *
 * @param name            its name (at most 31 characters, as CM).
 * @param type            APP, DN or VIP.
 * @param script          the control script ({@code <script> -start|-stop|-check|-clean|-reg|-unreg|-isreg <id>
 *                        <args>}), or empty when every instance gives a {@code command} the agent runs itself.
 * @param checkIntervalS  seconds between checks.
 * @param timeOutS        seconds a script call may take before it is killed (exit 137).
 * @param restartDelayS   seconds after it went offline before it is restarted.
 * @param restartPeriodS  seconds at least between two starts.
 * @param restartTimes    restarts allowed before it is stopped for good; -1 = no limit.
 * @param abnormalTimeoutS seconds an abnormal (3) check is tolerated before the instance is cleaned.
 * @param instances       its instances on every node.
 */
public record ResourceDefinition(String name, ResourceType type, String script, int checkIntervalS, int timeOutS,
    int restartDelayS, int restartPeriodS, int restartTimes, int abnormalTimeoutS, List<ResourceInstance> instances)
{
}
