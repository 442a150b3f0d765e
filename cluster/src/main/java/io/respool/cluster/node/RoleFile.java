package io.respool.cluster.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code <data_dir>/cm_role}, written by the node process (atomically, {@link NodeControlFiles}) and read by its
 * agent: {@code key = value} lines.
 * <pre>
 * role = Primary            Primary or Standby: what the node is in DMS
 * serving = true            the node serves requests (false while it starts, recovers or is fenced)
 * promoting = false         a switchover or failover to this node is under way
 * request_id = 1764745000   the last request it finished (cm_request's request_id), 0 if none
 * request_result = ok       ok, or "failed: why"
 * </pre>
 * An older file holding only a role word reads as that role, serving unknown (false), no request.
 *
 * @param role          Primary or Standby.
 * @param serving       the node says it serves.
 * @param promoting     a role request is being carried out.
 * @param requestId     the last request finished, 0 if none.
 * @param requestResult its result, "" if none.
 */
public record RoleFile(String role, boolean serving, boolean promoting, long requestId, String requestResult)
{
    /** The file in the node's data directory. */
    public static final String FILE = "cm_role";

    /**
     * @return the file's content.
     */
    public String format()
    {
        return "role = " + role + "\nserving = " + serving + "\npromoting = " + promoting + "\nrequest_id = " +
            requestId + "\nrequest_result = " + requestResult + "\n";
    }

    /**
     * @param text a file's content.
     * @return what it says; an unknown key is ignored (a newer node may add some), a bad number reads as 0.
     */
    public static RoleFile parse(final String text)
    {
        final String trimmed = text.trim();
        if (!trimmed.contains("="))
        {
            return new RoleFile(trimmed, false, false, 0, "");
        }
        final Map<String, String> m = keyValues(trimmed);
        final String role = m.getOrDefault("role", "");
        final boolean serving = Boolean.parseBoolean(m.get("serving"));
        final boolean promoting = Boolean.parseBoolean(m.get("promoting"));
        final long requestId = parseLong(m.getOrDefault("request_id", "0"));
        final String result = m.getOrDefault("request_result", "");
        return new RoleFile(role, serving, promoting, requestId, result);
    }

    /**
     * @param dataDir the node's data directory.
     * @return the file's content, empty if there is no file (or it cannot be read: the node then says nothing).
     */
    public static Optional<RoleFile> read(final Path dataDir)
    {
        try
        {
            return Optional.of(parse(Files.readString(dataDir.resolve(FILE), StandardCharsets.UTF_8)));
        }
        catch (final NoSuchFileException ex)
        {
            return Optional.empty();
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
    }

    /**
     * @param text {@code key = value} lines (the control files' format); lines without {@code =} are skipped.
     * @return the values by key, trimmed.
     */
    static Map<String, String> keyValues(final String text)
    {
        final Map<String, String> out = new HashMap<>();
        for (final String line : text.split("\n"))
        {
            final int eq = line.indexOf('=');
            if (eq >= 0)
            {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static long parseLong(final String value)
    {
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }
}
