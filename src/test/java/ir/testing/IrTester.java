package ir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ir.cli.Cli;
import ir.env.Env;
import ir.store.PinnedSystemReader;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives the real {@code ir} CLI in-process against a real git repository in a temporary directory, with a pinned
 * identity and clock. Read results back with {@link #yaml(String)} (a YAML parser) and {@link #commits()} (JGit).
 */
public final class IrTester {
    public static final String ALICE = "Alice Responder <alice@example.com>";
    public static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The HOME every run has unless a test sets one: an empty directory, so no test reads the developer's own git
     * config (JGit is pinned too: {@link PinnedSystemReader}).
     */
    public static final Path EMPTY_HOME = emptyHome();

    static {
        PinnedSystemReader.install();
    }

    private final Path dir;
    private final Map<String, String> environment = new HashMap<>();
    private Instant now = T0;
    private ZoneId zone = ZoneOffset.UTC;
    private Path cwd;
    private ir.store.Backends backends;

    private IrTester(Path dir) {
        this.dir = dir;
        this.cwd = dir;
        environment.put("IR_AUTHOR", ALICE);
        environment.put("HOME", EMPTY_HOME.toString());
        environment.put("GIT_CONFIG_NOSYSTEM", "1");
        environment.put("IR_AUTOSYNC_SPAWN", "0"); // in-process tests never start processes
    }

    private static Path emptyHome() {
        try {
            Path home = Files.createTempDirectory("ir-test-home");
            home.toFile().deleteOnExit();
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh git repository in {@code dir} (not yet an ir workspace). */
    public static IrTester gitRepo(Path dir) {
        try {
            Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call().close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new IrTester(dir);
    }

    /** A fresh git repository with {@code ir init} already run in it. */
    public static IrTester workspace(Path dir) {
        IrTester t = gitRepo(dir);
        Result r = t.run("init");
        if (r.exit() != 0) {
            throw new IllegalStateException("ir init failed: " + r.err());
        }
        return t;
    }

    /** A tester for a directory that is not a git repository. */
    public static IrTester plainDir(Path dir) {
        return new IrTester(dir);
    }

    public Path dir() {
        return dir;
    }

    public IrTester env(String name, String value) {
        if (value == null) {
            environment.remove(name);
        } else {
            environment.put(name, value);
        }
        return this;
    }

    public IrTester cwd(Path newCwd) {
        cwd = newCwd;
        return this;
    }

    /** Runs commands on {@code kept} backends, as a long-lived process does (null: one backend per command). */
    public IrTester backends(ir.store.Backends kept) {
        backends = kept;
        return this;
    }

    public IrTester at(Instant instant) {
        now = instant;
        return this;
    }

    public IrTester at(String rfc3339) {
        return at(Instant.parse(rfc3339));
    }

    public IrTester zone(ZoneId z) {
        zone = z;
        return this;
    }

    public IrTester advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    public Instant now() {
        return now;
    }

    public Clock clock() {
        return Clock.fixed(now, zone);
    }

    /** The result of one run: exit code, stdout and stderr. */
    public record Result(int exit, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit=" + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    public Result run(String... args) {
        return runWithInput("", args);
    }

    public Result runWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Env env = new Env(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), clock(), cwd, Map.copyOf(environment),
                false);
        if (backends != null) {
            env = env.withBackends(backends);
        }
        int code = Cli.run(env, args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * A long-lived command ({@code ir show --follow}) running on a thread of its own, its output readable while it
     * runs; {@link #stop} interrupts it (as Ctrl-C stops it) and returns its result.
     */
    public final class Running {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final Thread thread;
        private volatile int exit = -1;

        private Running(String... args) {
            Env env = new Env(new PrintWriter(out, true), new PrintWriter(err, true), InputStream.nullInputStream(),
                    clock(), cwd, Map.copyOf(environment), false);
            Env e = backends == null ? env : env.withBackends(backends);
            thread = new Thread(() -> exit = Cli.run(e, args), "ir " + String.join(" ", args));
            thread.setDaemon(true);
            thread.start();
        }

        /** stdout so far (StringWriter is synchronised, so this is safe while the command writes). */
        public String out() {
            return out.toString();
        }

        public String err() {
            return err.toString();
        }

        /** The lines of stdout so far that are complete. */
        public List<String> lines() {
            String s = out();
            int end = s.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(s.substring(0, end).split("\n", -1));
        }

        /** Waits (at most a minute) until {@code condition} holds of stdout; fails with what was printed if not. */
        public Running await(java.util.function.Predicate<Running> condition, String what) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!condition.test(this)) {
                if (!thread.isAlive()) {
                    throw new AssertionError("ended (exit " + exit + ") before " + what + ":\n" + out() + err());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what + ":\n" + out() + err());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            return this;
        }

        /** Interrupts the command (as a signal stops it) and waits for it to end. */
        public Result stop() {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (thread.isAlive()) {
                throw new AssertionError("did not stop:\n" + out() + err());
            }
            return new Result(exit, out(), err());
        }
    }

    /** Starts {@code args} on a thread of its own: for a command that runs until stopped. */
    public Running start(String... args) {
        return new Running(args);
    }

    public Path incidentFile(String id) {
        return dir.resolve("incidents").resolve(id + ".yaml");
    }

    /** The incident file as committed in HEAD, read back with a YAML parser. */
    public JsonNode committedYaml(String id) {
        try (Git git = Git.open(dir.toFile())) {
            var r = git.getRepository();
            var head = r.parseCommit(r.resolve("HEAD"));
            try (var tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(r, "incidents/" + id + ".yaml", head.getTree())) {
                return YAML.readTree(r.open(tw.getObjectId(0)).getBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The texts of an incident document's timeline, in order. */
    public static List<String> timelineTexts(JsonNode incident) {
        List<String> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> out.add(e.path("text").asText()));
        return out;
    }

    /** The incident file read back with a YAML parser. */
    public JsonNode yaml(String id) {
        try {
            return YAML.readTree(incidentFile(id).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String read(String relative) {
        try {
            return Files.readString(dir.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commits of HEAD, newest first, read with JGit. */
    public List<RevCommit> commits() {
        try (Git git = Git.open(dir.toFile())) {
            List<RevCommit> out = new ArrayList<>();
            if (git.getRepository().resolve("HEAD") == null) {
                return out;
            }
            git.log().call().forEach(out::add);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The paths changed by a commit relative to its parent. */
    public List<String> changedPaths(RevCommit c) {
        try (Git git = Git.open(dir.toFile())) {
            var repo = git.getRepository();
            try (var reader = repo.newObjectReader(); var walk = new org.eclipse.jgit.treewalk.TreeWalk(reader)) {
                walk.setRecursive(true);
                walk.addTree(c.getTree());
                if (c.getParentCount() > 0) {
                    walk.addTree(repo.parseCommit(c.getParent(0)).getTree());
                } else {
                    walk.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
                }
                walk.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
                List<String> paths = new ArrayList<>();
                while (walk.next()) {
                    paths.add(walk.getPathString());
                }
                return paths;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when git sees no change in the work tree or index (untracked files count as changes). */
    public boolean clean() {
        try (Git git = Git.open(dir.toFile())) {
            return git.status().call().isClean();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a command that must be refused: checks the exit code, a single-line {@code ir: ...} message starting with
     * {@code messageStart}, nothing on stdout, and that no file in the work tree and no commit changed.
     */
    public Result assertRefused(int exit, String messageStart, String... args) {
        return assertRefusedWithInput("", exit, messageStart, args);
    }

    public Result assertRefusedWithInput(String stdin, int exit, String messageStart, String... args) {
        Map<String, String> filesBefore = snapshot();
        int commitsBefore = commits().size();
        Result r = runWithInput(stdin, args);
        org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        org.assertj.core.api.Assertions.assertThat(r.err()).as(r.toString()).startsWith(messageStart);
        org.assertj.core.api.Assertions.assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
        org.assertj.core.api.Assertions.assertThat(r.out()).as(r.toString()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(commits()).hasSize(commitsBefore);
        org.assertj.core.api.Assertions.assertThat(snapshot()).isEqualTo(filesBefore);
        return r;
    }

    /** Every file of the work tree outside .git, path to SHA-256 of its content. */
    public Map<String, String> snapshot() {
        Map<String, String> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(dir.resolve(".git"))) {
            return out;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path rel = dir.relativize(p);
                if (rel.startsWith(".git") || !Files.isRegularFile(p)) {
                    continue;
                }
                var md = java.security.MessageDigest.getInstance("SHA-256");
                try (var in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                }
                out.put(rel.toString(), java.util.HexFormat.of().formatHex(md.digest()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Asserts that {@code r} succeeded (exit 0; the message shows its output) and returns it. */
    public static Result ok(Result r) {
        org.assertj.core.api.Assertions.assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    /** Opens an incident and returns its ID. */
    public String open(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "open";
        System.arraycopy(args, 0, full, 1, args.length);
        Result r = run(full);
        if (r.exit() != 0) {
            throw new IllegalStateException("ir open failed: " + r);
        }
        return r.out().strip();
    }
}
