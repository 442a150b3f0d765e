package io.respool.dms;

import io.respool.dms.api.Dms;
import io.respool.dms.api.DmsContext;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.DmsNode;
import io.respool.dms.api.FileMembershipSource;
import io.respool.dms.api.LockMode;
import io.respool.dms.api.ReformHandler;
import io.respool.dms.api.ReformInfo;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A DMS node in its own JVM for {@link MultiProcessTest}, over the storage and WAL all node processes share
 * ({@link ProcessPageStore}, {@link ProcessSharedState}). Arguments, {@code key=value}: {@code url}, {@code id},
 * {@code base} (its node directory's parent), {@code shared} (the directory of the shared files), {@code pages},
 * {@code nodes}, {@code generation} (0 at first, 1 after a restart: its incarnation slot), {@code threads},
 * {@code seed}, {@code membership} ({@code fixed}, or the path of a {@link FileMembershipSource} file).
 * <p>
 * It prints {@code STARTED}, then {@code CONNECTED} once its peers are, and every error its node reports as
 * {@code ERROR category code: message}. Then it obeys one command a line on stdin, answering each with one
 * line: {@code load} ({@code LOADING}: start the workload of {@link ProcessLoad}), {@code stop} ({@code STOPPED ...}
 * or {@code FAILED ...}), {@code check} ({@code PAGES ...}: every page read in S and checked), {@code probe [own-first]}
 * ({@code PROBE OK}, or {@code PROBE code message} for the first page that cannot be had), {@code await-reform version}
 * ({@code REFORMED view}), {@code state} ({@code STATE ...}), {@code replay node}
 * ({@code REPLAYED pages}: recovery of a dead node's WAL). {@code exit} or end of input closes the node.
 */
public final class NodeProcessMain
{
    private NodeProcessMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> arg = new HashMap<>();
        for (final String a : args)
        {
            final int eq = a.indexOf('=');
            arg.put(a.substring(0, eq), a.substring(eq + 1));
        }
        final int id = Integer.parseInt(arg.get("id"));
        final int pages = Integer.parseInt(arg.get("pages"));
        final int nodes = Integer.parseInt(arg.get("nodes"));
        final int slot = id + nodes * Integer.parseInt(arg.get("generation"));
        final File shared = new File(arg.get("shared"));
        final String membership = arg.get("membership");
        final FileMembershipSource source = "fixed".equals(membership) ? null :
            new FileMembershipSource(Path.of(membership), TimeUnit.MILLISECONDS.toNanos(5));
        try (ProcessSharedState state = ProcessSharedState.open(new File(shared, "shared.dat"), pages, nodes))
        {
            final ProcessPageStore store = new ProcessPageStore(TestCluster.PAGE_SIZE, state,
                new File(shared, "disk.dat"));
            final DmsContext ctx = new DmsContext().url(arg.get("url")).nodeId(id).pageSize(TestCluster.PAGE_SIZE)
                .baseDirectory(new File(arg.get("base"))).pageStore(store)
                .errorHandler((ex) -> System.out.println("ERROR " + describe(ex)));
            if (source != null)
            {
                ctx.membershipSource(source).reformHandler(new Recoverer(store, nodes));
            }
            try (DmsNode node = Dms.launch(ctx))
            {
                store.attach(node);
                System.out.println("STARTED " + id + " pid=" + ProcessHandle.current().pid());
                System.out.println(node.awaitConnected(TimeUnit.SECONDS.toNanos(30)) ? "CONNECTED" :
                    "FAILED not connected");
                final ProcessLoad load = new ProcessLoad(node, store, state, slot,
                    Long.parseLong(arg.get("seed")), Integer.parseInt(arg.get("threads")));
                serve(node, store, state, load);
            }
            finally
            {
                if (source != null)
                {
                    source.close();
                }
                store.close();
            }
        }
        System.out.println("CLOSED");
    }

    private static void serve(final DmsNode node, final ProcessPageStore store, final ProcessSharedState state,
        final ProcessLoad load) throws Exception
    {
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !"exit".equals(line))
        {
            final String[] words = line.split(" ");
            final String answer = switch (words[0])
            {
                case "load" ->
                {
                    load.start();
                    yield "LOADING";
                }
                case "stop" -> load.stop();
                case "check" -> load.check();
                case "probe" -> probe(node, store, state, words.length > 1 && "own-first".equals(words[1]));
                case "await-reform" -> awaitReform(node, Integer.parseInt(words[1]));
                case "state" -> "STATE " + node.reformState() + " " + node.membershipView();
                case "replay" -> replay(store, Integer.parseInt(words[1]), state.nodes());
                default -> "FAILED unknown command: " + line;
            };
            System.out.println(answer);
        }
    }

    private static String probe(final DmsNode node, final ProcessPageStore store, final ProcessSharedState state,
        final boolean ownFirst)
    {
        // "own-first": the pages this node masters first (it may grant those without a word to its peers);
        // else the pages its peers master first
        final List<Integer> order = new ArrayList<>();
        for (int index = 0; index < state.pages(); index++)
        {
            final boolean own = node.masterOf(ProcessPageStore.FIRST_PAGE + index) == node.nodeId();
            order.add(own == ownFirst ? 0 : order.size(), index);
        }
        for (final int index : order)
        {
            final long pageId = ProcessPageStore.FIRST_PAGE + index;
            final long floor = state.committed(index);
            final long value;
            try
            {
                node.acquirePage(pageId, LockMode.S, ProcessLoad.OPERATION_TIMEOUT_NS);
                value = store.counter(pageId);
                node.unlatchPage(pageId);
            }
            catch (final DmsException ex)
            {
                return "PROBE " + ex.errorCode() + " pageId=" + pageId + " " + ex.getMessage();
            }
            if (value < floor)
            {
                return "PROBE STALE pageId=" + pageId + ", value=" + value + ", committed=" + floor;
            }
        }
        return "PROBE OK";
    }

    /**
     * Wait until the node serves view {@code version} or a newer one (the source may not have told it of the view
     * yet, so awaitReform alone could return at once), bounded.
     */
    private static String awaitReform(final DmsNode node, final int version) throws InterruptedException
    {
        final long deadline = System.nanoTime() + ProcessLoad.OPERATION_TIMEOUT_NS * 2;
        // a restarted node may not have been given any view yet
        while (node.membershipView() == null || node.membershipView().version() < version ||
            !node.awaitReform(TimeUnit.MILLISECONDS.toNanos(10)))
        {
            if (System.nanoTime() - deadline > 0)
            {
                return "FAILED reform into view " + version + " not done: state=" + node.reformState() + ", view=" +
                    node.membershipView();
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return "REFORMED " + node.membershipView();
    }

    private static String replay(final ProcessPageStore store, final int deadNode, final int nodes)
    {
        int replayed = 0;
        for (int generation = 0; generation < ProcessSharedState.GENERATIONS; generation++)
        {
            replayed += store.replay(deadNode + nodes * generation, ProcessLoad.OPERATION_TIMEOUT_NS);
        }
        return "REPLAYED " + replayed;
    }

    /** Recovery as a database does it: replay the removed nodes' WAL on a thread of its own. */
    private record Recoverer(ProcessPageStore store, int nodes) implements ReformHandler
    {
        @Override
        public void recover(final ReformInfo info, final ReformHandler.Completion done)
        {
            final Thread thread = new Thread(() ->
            {
                try
                {
                    final StringBuilder sb = new StringBuilder("RECOVERED");
                    for (long rest = info.removed(); rest != 0; rest &= rest - 1)
                    {
                        final int dead = Long.numberOfTrailingZeros(rest);
                        sb.append(' ').append(dead).append(':').append(replay(store, dead, nodes));
                    }
                    System.out.println(sb);
                    done.complete();
                }
                catch (final RuntimeException ex)
                {
                    System.out.println("FAILED recovery: " + ex);
                    done.fail(ex.toString());
                }
            }, "recovery");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static String describe(final Throwable ex)
    {
        return ex instanceof DmsException dms ? dms.category() + " " + dms.errorCode() + ": " + dms.getMessage() :
            ex.toString();
    }
}
