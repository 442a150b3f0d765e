package io.respool.dss.format;

/**
 * Payload layouts of the redo records, little-endian, offsets relative to the payload start (just after the
 * {@link LogRecordHeader}). The encoders in the engine's {@code Records} and the decoder in its
 * {@code MetadataState.apply} both use these offsets, so the two sides cannot drift apart.
 * <pre>
 * CREATE        0 parentId (8)   8 nodeId (8)   16 fileType (1)   17 name (1 + n)
 *                 then target (2 + n): empty but for links
 * REMOVE        0 nodeId (8)     8 orphanOwner (4): the instance keeping the file open, -1 to free it now
 * REMOVE_TREE   0 nodeId (8)     8 orphanOwner (4)   12 orphanCount (4)   16 orphanCount x nodeId (8): files kept open
 * RENAME        0 nodeId (8)     8 newParentId (8)   16 name (1 + n)
 * ALLOCATE      0 nodeId (8)     8 runCount (4)      12 runCount x run
 *                 run: 0 fileAu (8)   8 physicalAu (8)   16 count (8)
 * SET_SIZE      0 nodeId (8)     8 size (8)          16 writtenSize (8)
 * TRUNCATE      0 nodeId (8)     8 newSize (8)
 * FREE_ORPHAN   0 nodeId (8)
 * ADD_VOLUME    0 volumeId (4)   4 auCount (8)   12 uuid most significant (8)   20 uuid least significant (8)
 *              28 path (2 + n)
 * REMOVE_VOLUME 0 volumeId (4)
 * </pre>
 * Names and texts are {@link PrefixedStrings}. The payloads carry no version of their own: the record layout version
 * in the {@link LogRecordHeader} covers header and payload together, and a reader refuses a record outside
 * {@link LogRecordHeader#MIN_COMPAT_VERSION}..{@link LogRecordHeader#CURRENT_VERSION}.
 */
public final class RedoRecordDescriptor
{
    public static final int CREATE_PARENT_ID_OFFSET = 0;
    public static final int CREATE_NODE_ID_OFFSET = 8;
    public static final int CREATE_FILE_TYPE_OFFSET = 16;
    public static final int CREATE_NAME_OFFSET = 17;

    public static final int REMOVE_NODE_ID_OFFSET = 0;
    public static final int REMOVE_ORPHAN_OWNER_OFFSET = 8;
    public static final int REMOVE_LENGTH = 12;

    public static final int REMOVE_TREE_NODE_ID_OFFSET = 0;
    public static final int REMOVE_TREE_ORPHAN_OWNER_OFFSET = 8;
    public static final int REMOVE_TREE_ORPHAN_COUNT_OFFSET = 12;
    public static final int REMOVE_TREE_ORPHANS_OFFSET = 16;
    public static final int REMOVE_TREE_ORPHAN_LENGTH = 8;

    public static final int RENAME_NODE_ID_OFFSET = 0;
    public static final int RENAME_NEW_PARENT_ID_OFFSET = 8;
    public static final int RENAME_NAME_OFFSET = 16;

    public static final int ALLOCATE_NODE_ID_OFFSET = 0;
    public static final int ALLOCATE_RUN_COUNT_OFFSET = 8;
    public static final int ALLOCATE_RUNS_OFFSET = 12;

    /** One extent run, in ALLOCATE records and in the checkpoint alike. */
    public static final int RUN_FILE_AU_OFFSET = 0;
    public static final int RUN_PHYSICAL_AU_OFFSET = 8;
    public static final int RUN_COUNT_OFFSET = 16;
    public static final int RUN_LENGTH = 24;

    public static final int SET_SIZE_NODE_ID_OFFSET = 0;
    public static final int SET_SIZE_SIZE_OFFSET = 8;
    public static final int SET_SIZE_WRITTEN_SIZE_OFFSET = 16;
    public static final int SET_SIZE_LENGTH = 24;

    public static final int TRUNCATE_NODE_ID_OFFSET = 0;
    public static final int TRUNCATE_NEW_SIZE_OFFSET = 8;
    public static final int TRUNCATE_LENGTH = 16;

    public static final int FREE_ORPHAN_NODE_ID_OFFSET = 0;
    public static final int FREE_ORPHAN_LENGTH = 8;

    public static final int ADD_VOLUME_ID_OFFSET = 0;
    public static final int ADD_VOLUME_AU_COUNT_OFFSET = 4;
    public static final int ADD_VOLUME_UUID_MSB_OFFSET = 12;
    public static final int ADD_VOLUME_UUID_LSB_OFFSET = 20;
    public static final int ADD_VOLUME_PATH_OFFSET = 28;

    public static final int REMOVE_VOLUME_ID_OFFSET = 0;
    public static final int REMOVE_VOLUME_LENGTH = 4;

    private RedoRecordDescriptor()
    {
    }

    /**
     * @return the index of the orphan {@code n} of the REMOVE_TREE payload at {@code payloadIndex}.
     */
    public static int removeTreeOrphanOffset(final int payloadIndex, final int n)
    {
        return payloadIndex + REMOVE_TREE_ORPHANS_OFFSET + n * REMOVE_TREE_ORPHAN_LENGTH;
    }

    /**
     * @return the index of run {@code r} of the ALLOCATE payload at {@code payloadIndex}.
     */
    public static int allocateRunOffset(final int payloadIndex, final int r)
    {
        return payloadIndex + ALLOCATE_RUNS_OFFSET + r * RUN_LENGTH;
    }

    /**
     * @return the payload length of a REMOVE_TREE record naming {@code orphanCount} orphans.
     */
    public static int removeTreeLength(final int orphanCount)
    {
        return REMOVE_TREE_ORPHANS_OFFSET + orphanCount * REMOVE_TREE_ORPHAN_LENGTH;
    }

    /**
     * @return the payload length of an ALLOCATE record of {@code runCount} runs.
     */
    public static int allocateLength(final int runCount)
    {
        return ALLOCATE_RUNS_OFFSET + runCount * RUN_LENGTH;
    }

    /**
     * Room for a name field in the staging buffer: its length byte and at most 63 ASCII bytes (names are checked
     * before they reach the log).
     */
    public static final int NAME_FIELD_MAX_LENGTH = PrefixedStrings.NAME_PREFIX_LENGTH + 63;

    /**
     * @return room to stage a CREATE payload whose link target has {@code targetChars} characters (4 bytes each at
     *         most in UTF-8).
     */
    public static int createMaxLength(final int targetChars)
    {
        return CREATE_NAME_OFFSET + NAME_FIELD_MAX_LENGTH + PrefixedStrings.TEXT_PREFIX_LENGTH + targetChars * 4;
    }

    /**
     * @return room to stage a RENAME payload.
     */
    public static int renameMaxLength()
    {
        return RENAME_NAME_OFFSET + NAME_FIELD_MAX_LENGTH;
    }

    /**
     * @return room to stage an ADD_VOLUME payload whose path has {@code pathChars} characters.
     */
    public static int addVolumeMaxLength(final int pathChars)
    {
        return ADD_VOLUME_PATH_OFFSET + PrefixedStrings.TEXT_PREFIX_LENGTH + pathChars * 4;
    }
}
