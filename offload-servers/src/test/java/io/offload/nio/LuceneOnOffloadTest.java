package io.offload.nio;

import io.offload.api.CallStats;
import io.offload.api.PhaseRecording;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NIOFSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apache Lucene, unmodified: the same few thousand documents indexed with {@link NIOFSDirectory} on a platform
 * path and on a path of {@code runtime.fileSystem()}, the same queries, the same hits and scores; the runtime's
 * stats show that the index's reads (pread) and writes ran on its FILE server, and Lucene's write lock
 * (NativeFSLockFactory, FileChannel.tryLock) works on the offload channels.
 */
final class LuceneOnOffloadTest
{
    private static final String[] WORDS = ("offload server kernel ring entry thread carrier virtual file channel " +
        "lucene index segment query score term document field buffer native memory arena statx getdents rename " +
        "fsync batch cohort core cache branch predictor latency throughput").split(" ");

    @TempDir
    Path temp;

    @Test
    void indexAndSearchGiveTheSameHitsAsOnThePlatform() throws IOException
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build())
        {
            runtime.phaseRecording(PhaseRecording.ALL);
            final FileSystem fs = runtime.fileSystem();
            final Path platformIndex = temp.resolve("platform");
            final Path offloadIndex = fs.getPath(temp.resolve("offload").toString());
            final List<String> platformHits = indexAndSearch(platformIndex);
            final List<String> offloadHits = indexAndSearch(offloadIndex);
            assertEquals(platformHits, offloadHits);
            assertTrue(platformHits.size() > 100, "the queries found documents: " + platformHits.size());

            try (Directory dir = new NIOFSDirectory(offloadIndex);
                IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer())))
            {
                assertSame(fs.provider(), offloadIndex.getFileSystem().provider());
                assertThrows(LockObtainFailedException.class, () ->
                    new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer())), "the write lock holds");
                assertFalse(writer.hasUncommittedChanges());
            }

            long preads = 0;
            long writes = 0;
            for (final CallStats call : runtime.stats().calls())
            {
                final long count = call.phases().isEmpty() ? 0 : call.phases().getFirst().count();
                if (call.syscall() == Syscall.PREAD)
                {
                    preads = count;
                }
                if (call.syscall() == Syscall.WRITE)
                {
                    writes = count;
                }
            }
            // reads of cached pages are answered on the caller (RWF_NOWAIT), the others on the server
            final long nowaitHits = runtime.stats().nowaitHits();
            assertTrue(preads + nowaitHits > 100, "Lucene's reads ran on the FILE server (" + preads +
                ") or from the page cache on the caller (" + nowaitHits + ")");
            assertTrue(writes > 10, "Lucene's writes ran on the FILE server: " + writes);
        }
    }

    private static List<String> indexAndSearch(final Path path) throws IOException
    {
        final Random random = new Random(2026);
        final List<String> hits = new ArrayList<>();
        try (Directory dir = new NIOFSDirectory(path))
        {
            try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer())
                .setMaxBufferedDocs(500)))
            {
                for (int i = 0; i < 3000; i++)
                {
                    final StringBuilder body = new StringBuilder();
                    final int length = 5 + random.nextInt(40);
                    for (int w = 0; w < length; w++)
                    {
                        body.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                    }
                    final Document doc = new Document();
                    doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
                    doc.add(new TextField("body", body.toString(), Field.Store.YES));
                    writer.addDocument(doc);
                    if (i % 1000 == 999)
                    {
                        writer.commit();
                    }
                }
                writer.forceMerge(2);
            }
            try (DirectoryReader reader = DirectoryReader.open(dir))
            {
                final IndexSearcher searcher = new IndexSearcher(reader);
                final StoredFields stored = searcher.storedFields();
                final List<Query> queries = List.of(
                    new TermQuery(new Term("body", "kernel")),
                    new TermQuery(new Term("body", "lucene")),
                    new PhraseQuery("body", "virtual", "thread"),
                    new BooleanQuery.Builder()
                        .add(new TermQuery(new Term("body", "ring")), BooleanClause.Occur.MUST)
                        .add(new TermQuery(new Term("body", "cache")), BooleanClause.Occur.MUST)
                        .add(new TermQuery(new Term("body", "fsync")), BooleanClause.Occur.MUST_NOT).build());
                for (final Query query : queries)
                {
                    for (final ScoreDoc hit : searcher.search(query, 200).scoreDocs)
                    {
                        final Document doc = stored.document(hit.doc);
                        hits.add(query + " " + doc.get("id") + " " + hit.score + " " + doc.get("body").length());
                    }
                }
                hits.add("docs " + reader.numDocs() + " segments " + reader.leaves().size());
            }
        }
        return hits;
    }
}
