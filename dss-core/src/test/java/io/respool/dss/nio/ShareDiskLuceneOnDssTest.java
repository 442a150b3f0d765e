package io.respool.dss.nio;

import io.respool.dss.config.StorageMode;

/**
 * {@link LuceneOnDssTest} in {@code STORAGE_MODE=SHARE_DISK}: Lucene's {@code write.lock} held against a second
 * writer and another instance's process through the file-lock records on the entry volume.
 */
class ShareDiskLuceneOnDssTest extends LuceneOnDssTest
{
    @Override
    StorageMode storageMode()
    {
        return StorageMode.SHARE_DISK;
    }
}
