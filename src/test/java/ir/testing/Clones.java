package ir.testing;

import ir.store.Session;
import ir.model.Change;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.TimelineEvent;
import ir.store.GitIncidentStore;
import ir.store.Workspace;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.URIish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A bare repository and clones of it, each an {@link IrTester}, for tests of {@code ir sync}. */
public final class Clones {
    private Clones() {
    }

    /** A bare repository in {@code dir} with {@code main} as its default branch. */
    public static Path bare(Path dir) {
        try {
            Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call().close();
            return dir;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A workspace created with {@code ir init} in {@code dir}, with {@code bare} as its origin, and pushed. */
    public static IrTester first(Path dir, Path bare) {
        IrTester t = IrTester.workspace(dir);
        try (Git git = Git.open(dir.toFile())) {
            git.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        IrTester.Result r = t.run("sync");
        if (r.exit() != 0) {
            throw new IllegalStateException("first sync failed: " + r);
        }
        return t;
    }

    /** A clone of {@code bare} in {@code dir}, acting as {@code author}. */
    public static IrTester clone(Path bare, Path dir, String author) {
        try {
            Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(dir.toFile()).call().close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return IrTester.plainDir(dir).env("IR_AUTHOR", author);
    }

    /** Changes an incident through the store, as the lifecycle commands do (with a timeline event). */
    public static void change(IrTester t, String id, String type, Map<String, Object> attrs,
                              UnaryOperator<Incident> fn) {
        try (GitIncidentStore store = new GitIncidentStore(Workspace.at(t.dir()), Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(10)))) {
            store.update(id, i -> {
                TimelineEvent e = new TimelineEvent(IncidentIds.randomId(), t.now(), IrTester.ALICE, type,
                        type + " changed", false, attrs);
                return new Change(fn.apply(i).withEvent(e), type + " changed", type);
            });
        }
    }

    public static void severity(IrTester t, String id, String to) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("to", to);
        change(t, id, TimelineEvent.SEVERITY, attrs, i -> i.withSeverity(to));
    }

    public static void role(IrTester t, String id, String role, String person) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("role", role);
        attrs.put("to", person);
        change(t, id, TimelineEvent.ROLE, attrs, i -> i.withRole(role, List.of(person)));
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The result of a process: exit code and its output (stdout and stderr together). */
    public record Proc(int exit, String output) {
    }

    /** Runs a program (such as real {@code git}) in {@code dir} with a clean git environment. */
    public static Proc run(Path dir, Map<String, String> env, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("HOME", dir.toAbsolutePath().toString());
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + List.of(command));
            }
            return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True when a {@code git} program can be run. */
    public static boolean gitInstalled(Path dir) {
        try {
            return run(dir, Map.of(), "git", "--version").exit() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code java -cp <this test's classpath> ir.Main}, to run ir as a separate process. */
    public static List<String> irCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("ir.Main");
        return cmd;
    }
}
