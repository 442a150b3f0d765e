package io.respool.cluster.agent;

/**
 * CM's {@code resources_type}: {@code DN} is a database node (the node process embedding DSS and DMS; shown in
 * the Datanode State), {@code APP} any other program, {@code VIP} a floating address.
 */
public enum ResourceType
{
    APP,
    DN,
    VIP;

    static ResourceType parse(final String text, final String resource)
    {
        for (final ResourceType t : values())
        {
            if (t.name().equals(text))
            {
                return t;
            }
        }
        throw new AgentConfigException("bad resources_type: resource=" + resource + ", value=" + text +
            ", expected APP, DN or VIP");
    }
}
