package io.respool.dss.nio;

import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.MMapDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.respool.dss.nio.NioTestSupport.otherInstanceHome;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lucene keeps an index on DSS through its unchanged {@link FSDirectory#open(Path)}: indexing, commits (which fsync
 * the index directory), {@code write.lock} (a {@link FileChannel#tryLock}, held against a second writer here and
 * in another instance of the volume group), and searching through {@link MMapDirectory} (read-only maps).
 */
@Timeout(180)
class LuceneOnDssTest extends OneVolumeGroupFixture
{
    private static final String[] WORDS = {"quick", "brown", "fox", "lazy", "dog", "jumps", "over", "river"};

    private static IndexWriter writer(final Directory directory) throws IOException
    {
        return new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer()));
    }

    private static void addDocuments(final IndexWriter writer, final int from, final int to) throws IOException
    {
        for (int i = from; i < to; i++)
        {
            final Document document = new Document();
            document.add(new StringField("id", Integer.toString(i), Field.Store.YES));
            document.add(new TextField("body", WORDS[i % WORDS.length] + " " + WORDS[(i * 3 + 1) % WORDS.length] +
                " number" + i, Field.Store.YES));
            writer.addDocument(document);
        }
    }

    private static long hits(final Directory directory, final String field, final String text) throws IOException
    {
        try (DirectoryReader reader = DirectoryReader.open(directory))
        {
            final TopDocs top = new IndexSearcher(reader).search(new TermQuery(new Term(field, text)), 10_000);
            return top.totalHits.value;
        }
    }

    /** Documents among {@code [0, count)} whose body has {@code WORDS[w]}, as {@link #addDocuments} writes them. */
    private static long expected(final int count, final int w)
    {
        long n = 0;
        for (int i = 0; i < count; i++)
        {
            if (i % WORDS.length == w || (i * 3 + 1) % WORDS.length == w)
            {
                n++;
            }
        }
        return n;
    }

    @Test
    void shouldIndexCommitReopenAndSearch() throws IOException
    {
        final Path index = fs.getPath("+data/index");
        try (Directory directory = FSDirectory.open(index))
        {
            assertInstanceOf(MMapDirectory.class, directory, "what FSDirectory.open picks on a 64-bit JVM");
            try (IndexWriter writer = writer(directory))
            {
                addDocuments(writer, 0, 500);
                writer.commit();
                assertThrows(LockObtainFailedException.class, () -> writer(directory).close());
                try (FileChannel lockFile = FileChannel.open(index.resolve("write.lock"), WRITE))
                {
                    assertThrows(OverlappingFileLockException.class, lockFile::tryLock,
                        "write.lock is a lock of this instance's table");
                }
            }
        }
        assertTrue(Files.exists(index.resolve("segments_1")));
        try (Directory directory = FSDirectory.open(index))
        {
            assertEquals(expected(500, 2), hits(directory, "body", "fox"));
            assertEquals(1, hits(directory, "id", "123"));
            try (IndexWriter writer = writer(directory))
            {
                addDocuments(writer, 500, 800);
                writer.deleteDocuments(new Term("id", "123"));
                writer.commit();
                addDocuments(writer, 800, 1000);
                writer.forceMerge(1);
                writer.commit();
            }
            assertEquals(expected(1000, 2) - (123 % 8 == 2 || (123 * 3 + 1) % 8 == 2 ? 1 : 0),
                hits(directory, "body", "fox"));
            assertEquals(0, hits(directory, "id", "123"));
            assertEquals(1, hits(directory, "id", "999"));
        }
    }

    @Test
    void shouldHoldWriteLockAgainstAnotherInstance() throws Exception
    {
        final Path index = fs.getPath("+data/index");
        final Path otherHome = otherInstanceHome(dir, 1, storageMode(), "data");
        try (Directory directory = FSDirectory.open(index);
            ChildProcess other = ChildJvm.of(LuceneChild.class).name("lucene-child")
                .jvmArgs("-XX:+UseSerialGC", "-Xmx256m").args(otherHome.toString(), "+data/index").start())
        {
            other.awaitLine("READY", Duration.ofSeconds(60));
            try (IndexWriter writer = writer(directory))
            {
                addDocuments(writer, 0, 100);
                writer.commit();
                other.send("first");
                other.awaitLine("LOCKED_OUT", Duration.ofSeconds(60));
            }
            other.send("second");
            other.awaitLine("COMMITTED", Duration.ofSeconds(60));
            assertEquals(1, hits(directory, "id", "second"), "this instance reads the other's commit");
            assertEquals(0, hits(directory, "id", "first"));
            assertEquals(1, hits(directory, "body", "instance"));
            assertEquals(expected(100, 2), hits(directory, "body", "fox"));
        }
    }
}
