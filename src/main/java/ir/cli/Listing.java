package ir.cli;

import ir.env.Env;
import ir.model.ExitCode;
import ir.model.IncidentSummary;
import ir.model.IrException;
import ir.store.Session;
import ir.store.IncidentStore;
import ir.store.Workspace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * {@code ir list}'s summaries, read on a second thread. With 10,000 incidents the listing (the summary cache, one
 * stat per file) is most of the command's own work, and it needs neither picocli's model nor the configuration: a
 * one-shot {@code ir list} starts it as soon as it knows the command ({@link #prefetch}), so it runs on the idle
 * core while picocli and Jackson start; {@link ListCommand} uses it only when it lists the workspace the command
 * resolved, and otherwise lists again. Warnings are kept and given to the command, which prints them.
 */
final class Listing {
    private record Result(Path root, List<IncidentSummary> summaries) {
    }

    private final FutureTask<Result> task;
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    private interface Work {
        Result run(Consumer<String> warn) throws Exception;
    }

    private Listing(Work work) {
        task = new FutureTask<>(() -> work.run(warnings::add));
        Thread t = new Thread(task, "ir-list");
        t.setDaemon(true);
        t.start();
    }

    /** Lists {@code store}'s incidents on a second thread. */
    static Listing of(IncidentStore store) {
        return new Listing(warn -> new Result(store.workspace().root(), store.summaries(warn)));
    }

    /**
     * Starts listing the workspace that {@code args} (a one-shot {@code ir list}'s) most likely name: {@code -C DIR}
     * before the command, else {@code IR_DIR}, else the current directory. Null when it cannot tell; a wrong guess
     * only costs the work, as the command checks the workspace before it uses the result.
     */
    static Listing prefetch(Env env, String... args) {
        Path dashC = null;
        for (int i = 0; i < args.length && !"list".equals(args[i]); i++) {
            if (args[i].equals("--as")) {
                i++;
            } else if (args[i].equals("-C") && i + 1 < args.length) {
                dashC = Path.of(args[++i]);
            } else if (args[i].startsWith("-C")) {
                return null; // -C=DIR, -CDIR: picocli's business
            }
        }
        Path c = dashC;
        return new Listing(warn -> {
            Workspace ws = Workspace.discover(env.cwd(), c, env.getenv("IR_DIR"));
            try (IncidentStore store = env.backends().open(ws, new Session(env.clock(), env.environment(), null,
                    w -> { }, Duration.ZERO, env.umask()))) {
                return new Result(ws.root(), store.summaries(warn));
            }
        });
    }

    /**
     * The summaries of the workspace at {@code root} (waiting for them), each warning given to {@code warn}; null
     * when this listing is of another workspace or failed before it found one.
     */
    List<IncidentSummary> summaries(Path root, Consumer<String> warn) {
        Result r;
        try {
            r = task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IrException(ExitCode.FAILURE, "interrupted while listing incidents");
        } catch (ExecutionException e) {
            return null; // list again on this thread, which reports the failure as it would have
        }
        if (!r.root().equals(root)) {
            return null;
        }
        synchronized (warnings) {
            warnings.forEach(warn);
        }
        return r.summaries();
    }

    /** Waits until the listing is done (it may be writing the cache), whatever its outcome. */
    void await() {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException ignored) {
            // the command reports its own failure
        }
    }
}
