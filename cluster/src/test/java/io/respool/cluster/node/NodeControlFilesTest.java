package io.respool.cluster.node;

import io.respool.cluster.agent.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fake node embedding {@link NodeControlFiles} on a stepped clock: it polls only on its own interval, hands each
 * request to its handler once, says Promoting while the handler works, writes the new role with the request's id
 * and result, and deletes the request (not a newer one cmctl wrote meanwhile).
 */
class NodeControlFilesTest
{
    @TempDir
    Path dir;

    private final long[] clock = { 5_000 };
    private final List<NodeControlFiles.Request> handled = new ArrayList<>();
    private CompletableFuture<String> work = new CompletableFuture<>();

    private NodeControlFiles node()
    {
        return new NodeControlFiles(dir, () -> clock[0], 100, r ->
        {
            handled.add(r);
            return work;
        }, "Standby");
    }

    @Test
    void shouldSayStartingUntilServingThenCarryOutASwitchover() throws IOException
    {
        final NodeControlFiles node = node();
        assertEquals(new RoleFile("Standby", false, false, 0, ""), RoleFile.read(dir).orElseThrow());
        node.report("Standby", true);
        assertEquals(new RoleFile("Standby", true, false, 0, ""), RoleFile.read(dir).orElseThrow());

        assertEquals(0, node.doWork(), "nothing requested");
        request("switchover", 42);
        clock[0] += 50;
        assertEquals(0, node.doWork(), "not polled before its interval");
        assertTrue(handled.isEmpty());
        clock[0] += 50;
        assertEquals(1, node.doWork());
        assertEquals(List.of(new NodeControlFiles.Request("switchover", 2, 42)), handled);
        assertEquals(new RoleFile("Standby", true, true, 0, ""), RoleFile.read(dir).orElseThrow(), "promoting");
        clock[0] += 500;
        assertEquals(0, node.doWork(), "the handler still works: the request is not handed over again");
        assertTrue(Files.exists(dir.resolve(NodeControlFiles.REQUEST_FILE)));

        work.complete("Primary");
        assertEquals(1, node.doWork());
        assertEquals(new RoleFile("Primary", true, false, 42, "ok"), RoleFile.read(dir).orElseThrow());
        assertFalse(Files.exists(dir.resolve(NodeControlFiles.REQUEST_FILE)));
        clock[0] += 1000;
        node.doWork();
        assertEquals(1, handled.size());
    }

    @Test
    void shouldAnswerAFailedFailoverAndKeepANewerRequest() throws IOException
    {
        final NodeControlFiles node = node();
        node.report("Standby", true);
        request("failover", 7);
        node.doWork();
        // cmctl gives up and asks again while the first is under way
        request("failover", 8);
        work.completeExceptionally(new IllegalStateException("the arbiter refused: primary node 0 is not fenced yet"));
        node.doWork();
        assertEquals(new RoleFile("Standby", true, false, 7,
            "failed: the arbiter refused: primary node 0 is not fenced yet"), RoleFile.read(dir).orElseThrow());
        assertTrue(Files.exists(dir.resolve(NodeControlFiles.REQUEST_FILE)), "the newer request stays");

        work = CompletableFuture.completedFuture("Primary");
        clock[0] += 100;
        node.doWork();
        assertEquals(8, handled.get(1).requestId());
        assertEquals(new RoleFile("Primary", true, false, 8, "ok"), RoleFile.read(dir).orElseThrow());
        assertFalse(Files.exists(dir.resolve(NodeControlFiles.REQUEST_FILE)));
    }

    @Test
    void shouldAnswerAMalformedRequestAndReadAnOldRoleWord() throws IOException
    {
        final NodeControlFiles node = node();
        AtomicFiles.write(dir.resolve(NodeControlFiles.REQUEST_FILE), "request = promote\nrequest_id = 3\n");
        node.doWork();
        assertTrue(handled.isEmpty());
        assertEquals("failed: unknown request in cm_request: 'promote', expected switchover or failover",
            RoleFile.read(dir).orElseThrow().requestResult());
        assertFalse(Files.exists(dir.resolve(NodeControlFiles.REQUEST_FILE)));
        assertEquals(new RoleFile("Primary", false, false, 0, ""), RoleFile.parse("Primary\n"));
    }

    private void request(final String op, final long id) throws IOException
    {
        // what cmctl writes (RoleRequest)
        AtomicFiles.write(dir.resolve(NodeControlFiles.REQUEST_FILE), "request = " + op + "\nnode_id = 2\nrequest_id = " +
            id + "\n");
    }
}
