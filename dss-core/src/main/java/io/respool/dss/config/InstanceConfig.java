package io.respool.dss.config;

import io.respool.common.NodeAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code cfg/dss_inst.ini}: {@code KEY = VALUE} lines. The keys openGauss DSS knows are accepted; the ones this
 * implementation uses are parsed and checked; an unknown key is a warning, not a failure.
 */
public final class InstanceConfig
{
    public static final String FILE_NAME = "dss_inst.ini";
    public static final int MAX_INSTANCES = 64;

    private static final Set<String> KNOWN_KEYS = Set.of(
        "INST_ID", "DSS_NODES_LIST", "LSNR_PATH", "STORAGE_MODE", "DISK_LOCK_FILE_PATH", "_DISK_LOCK_FILE_PATH",
        "_LOG_LEVEL", "_LOG_MAX_FILE_SIZE", "_LOG_BACKUP_FILE_COUNT", "LOG_HOME", "LOG_COMPRESSED",
        "LOG_ALARM_HOME", "_LOG_FILE_PERMISSIONS", "_LOG_PATH_PERMISSIONS", "_AUDIT_LEVEL", "_AUDIT_MAX_FILE_SIZE",
        "_AUDIT_BACKUP_FILE_COUNT", "MAX_SESSION_NUMS", "_SHM_KEY", "DISK_LOCK_INTERVAL", "DLOCK_RETRY_COUNT",
        "DSS_CM_SO_NAME", "INTERCONNECT_TYPE", "INTERCONNECT_CHANNEL_NUM", "WORK_THREAD_COUNT", "RECV_MSG_POOL_SIZE",
        "MES_ELAPSED_SWITCH", "MES_WITH_IP", "IP_WHITE_LIST_ON", "MES_WAIT_TIMEOUT", "IO_THREADS", "WORK_THREADS",
        "DELAY_CLEAN_INTERVAL", "DELAY_CLEAN_SEARCH_FRAGMENT", "VG_SPACE_USAGE_HWM", "VG_SPACE_USAGE_LWM",
        "CLUSTER_RUN_MODE", "XLOG_VG_ID", "_BLACKBOX_DETAIL_ON", "_ENABLE_CORE_STATE_COLLECT", "SSL_CA", "SSL_KEY",
        "SSL_CRL", "SSL_CERT", "SSL_CIPHER", "SSL_PWD_CIPHERTEXT", "SSL_CERT_NOTIFY_TIME", "SSL_PERIOD_DETECTION",
        "POOL_NAMES", "IMAGE_NAMES", "VOLUME_TYPES", "CEPH_CONFIG", "LINUX_MULTIBUS", "MPATHPERSIST_DSS_PATH",
        "DISK_TYPE");

    private final int instanceId;
    private final List<NodeAddress> nodes;
    private final Path listenerPath;
    private final StorageMode storageMode;
    private final Path diskLockFilePath;
    private final int logLevel;
    private final long logMaxFileSize;
    private final int logBackupFileCount;
    private final List<String> warnings;

    private InstanceConfig(final Builder b)
    {
        this.instanceId = b.instanceId;
        this.nodes = Collections.unmodifiableList(b.nodes);
        this.listenerPath = b.listenerPath;
        this.storageMode = b.storageMode;
        this.diskLockFilePath = b.diskLockFilePath;
        this.logLevel = b.logLevel;
        this.logMaxFileSize = b.logMaxFileSize;
        this.logBackupFileCount = b.logBackupFileCount;
        this.warnings = Collections.unmodifiableList(b.warnings);
    }

    /**
     * @return the defaults openGauss uses when there is no {@code dss_inst.ini}.
     */
    public static InstanceConfig defaults()
    {
        final Builder b = new Builder();
        b.nodes.add(new NodeAddress(0, "127.0.0.1", 1611));
        return new InstanceConfig(b);
    }

    public static InstanceConfig load(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("cannot read " + FILE_NAME + ": file=" + file + ", error=" + ex);
        }
        return parse(file.toString(), lines);
    }

    static InstanceConfig parse(final String fileName, final List<String> lines)
    {
        final Builder b = new Builder();
        boolean nodesGiven = false;
        String newLockKeyValue = null;
        for (int i = 0; i < lines.size(); i++)
        {
            final int lineNumber = i + 1;
            final String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq <= 0)
            {
                throw new ConfigException("line is not KEY=VALUE: file=" + fileName + ", line=" + lineNumber +
                    ", text=" + line);
            }
            final String key = line.substring(0, eq).trim().toUpperCase(Locale.ROOT);
            final String value = line.substring(eq + 1).trim();
            final String where = "file=" + fileName + ", line=" + lineNumber + ", key=" + key + ", value=" + value;
            switch (key)
            {
                case "INST_ID" -> b.instanceId = parseInt(value, 0, MAX_INSTANCES - 1, where);
                case "DSS_NODES_LIST" ->
                {
                    b.nodes.clear();
                    b.nodes.addAll(parseNodes(value, where));
                    nodesGiven = true;
                }
                case "LSNR_PATH" -> b.listenerPath = Path.of(value);
                case "STORAGE_MODE" ->
                {
                    try
                    {
                        b.storageMode = StorageMode.valueOf(value.toUpperCase(Locale.ROOT));
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw new ConfigException("unknown storage mode: " + where +
                            "; use DISK, SHARE_DISK or CLUSTER_RAID");
                    }
                }
                case "_DISK_LOCK_FILE_PATH" ->
                {
                    newLockKeyValue = value;
                    b.diskLockFilePath = Path.of(value);
                }
                case "DISK_LOCK_FILE_PATH" ->
                {
                    if (newLockKeyValue == null)
                    {
                        b.diskLockFilePath = Path.of(value);
                    }
                }
                case "_LOG_LEVEL" -> b.logLevel = parseInt(value, 0, 4087, where);
                case "_LOG_MAX_FILE_SIZE" -> b.logMaxFileSize = parseSize(value, 1L << 20, 4L << 30, where);
                case "_LOG_BACKUP_FILE_COUNT" -> b.logBackupFileCount = parseInt(value, 0, 1024, where);
                default ->
                {
                    if (!KNOWN_KEYS.contains(key))
                    {
                        b.warnings.add("unknown key ignored: " + where);
                    }
                }
            }
        }
        if (!nodesGiven)
        {
            b.nodes.add(new NodeAddress(0, "127.0.0.1", 1611));
        }
        if (b.instanceId >= b.nodes.size() || b.nodes.get(b.instanceId).id() != b.instanceId)
        {
            throw new ConfigException("INST_ID is not in DSS_NODES_LIST: file=" + fileName + ", INST_ID=" +
                b.instanceId + ", DSS_NODES_LIST=" + b.nodes + "; every instance needs an entry id:ip:port");
        }
        return new InstanceConfig(b);
    }

    static List<NodeAddress> parseNodes(final String value, final String where)
    {
        final List<NodeAddress> nodes = new ArrayList<>();
        for (final String raw : value.split("[,|]"))
        {
            final String entry = raw.trim();
            final NodeAddress node;
            try
            {
                node = NodeAddress.parse(entry);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException("DSS_NODES_LIST entry is not id:ip:port: " + where + ", entry=" + entry +
                    ", problem=" + ex.getMessage());
            }
            if (node.id() != nodes.size())
            {
                throw new ConfigException("DSS_NODES_LIST ids must count up from 0: " + where + ", entry=" + entry +
                    ", expectedId=" + nodes.size());
            }
            nodes.add(node);
        }
        return nodes;
    }

    private static int parseInt(final String value, final int min, final int max, final String where)
    {
        try
        {
            final int v = Integer.parseInt(value);
            if (v < min || v > max)
            {
                throw new ConfigException("value out of range: " + where + ", range=[" + min + "," + max + "]");
            }
            return v;
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigException("not a number: " + where);
        }
    }

    /**
     * Sizes as openGauss writes them: a number with an optional K, M, G or T suffix.
     */
    static long parseSize(final String value, final long min, final long max, final String where)
    {
        final String v = value.toUpperCase(Locale.ROOT);
        long multiplier = 1;
        String digits = v;
        if (!v.isEmpty() && "KMGT".indexOf(v.charAt(v.length() - 1)) >= 0)
        {
            multiplier = 1L << (10 * (1 + "KMGT".indexOf(v.charAt(v.length() - 1))));
            digits = v.substring(0, v.length() - 1);
        }
        try
        {
            final long size = Long.parseLong(digits) * multiplier;
            if (size < min || size > max)
            {
                throw new ConfigException("size out of range: " + where + ", range=[" + min + "," + max + "] bytes");
            }
            return size;
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigException("not a size: " + where + "; write e.g. 20M or 1G");
        }
    }

    public int instanceId()
    {
        return instanceId;
    }

    public List<NodeAddress> nodes()
    {
        return nodes;
    }

    public Path listenerPath()
    {
        return listenerPath;
    }

    public StorageMode storageMode()
    {
        return storageMode;
    }

    public Path diskLockFilePath()
    {
        return diskLockFilePath;
    }

    public int logLevel()
    {
        return logLevel;
    }

    public long logMaxFileSize()
    {
        return logMaxFileSize;
    }

    public int logBackupFileCount()
    {
        return logBackupFileCount;
    }

    /**
     * @return unknown keys and similar harmless faults, one line each naming file and line.
     */
    public List<String> warnings()
    {
        return warnings;
    }

    private static final class Builder
    {
        int instanceId;
        final List<NodeAddress> nodes = new ArrayList<>();
        Path listenerPath = Path.of("/tmp");
        StorageMode storageMode = StorageMode.DISK;
        Path diskLockFilePath = Path.of("/tmp");
        int logLevel = 519;
        long logMaxFileSize = 256L << 20;
        int logBackupFileCount = 20;
        final List<String> warnings = new ArrayList<>();
    }
}
