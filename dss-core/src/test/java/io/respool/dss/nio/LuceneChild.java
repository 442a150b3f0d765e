package io.respool.dss.nio;

import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * A child JVM for {@link LuceneOnDssTest}: another instance of the volume group that opens an {@link IndexWriter} on
 * the index each time it reads a line, and prints {@code LOCKED_OUT} or, having added one document and committed,
 * {@code COMMITTED}. Arguments: its DSS home, the index directory's DSS path.
 */
public final class LuceneChild
{
    private LuceneChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final FileSystem fs = FileSystems.newFileSystem(NioTestSupport.uriOf(Path.of(args[0])), Map.of());
        System.out.println("READY");
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            try (Directory directory = FSDirectory.open(fs.getPath(args[1]));
                IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer())))
            {
                final Document document = new Document();
                document.add(new StringField("id", line, Field.Store.YES));
                document.add(new TextField("body", "written by another instance " + line, Field.Store.YES));
                writer.addDocument(document);
                writer.commit();
                System.out.println("COMMITTED");
            }
            catch (final LockObtainFailedException ex)
            {
                System.out.println("LOCKED_OUT");
            }
            System.out.flush();
        }
        fs.close();
    }
}
