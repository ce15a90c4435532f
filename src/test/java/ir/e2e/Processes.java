package ir.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code ir} (the built jar, or the installed launcher), {@code git} and {@code install.sh} as separate processes,
 * as a person would, with a clean environment: no IR_* variables of the developer's leak in, and git reads neither the
 * system config nor the developer's {@code ~/.gitconfig}.
 */
final class Processes {
    /** The flags the launcher uses, so a {@code java -jar} run starts as the installed {@code ir} does. */
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Readers of child output: one thread per stream, never the common pool (20 children at once would starve it). */
    private static final java.util.concurrent.ExecutorService READERS = java.util.concurrent.Executors
            .newCachedThreadPool(r -> {
                Thread t = new Thread(r, "ir-e2e-reader");
                t.setDaemon(true);
                return t;
            });

    private Processes() {
    }

    /** The exit code and output of a finished process. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit=" + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** The shaded jar that {@code package} built (the failsafe configuration passes its path). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("ir.jar", "target/ir.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (run 'mvn -B verify', which packages it first)").isRegularFile();
        return jar;
    }

    /** The source tree, where install.sh is. */
    static Path source() {
        return Path.of(System.getProperty("ir.source", ".")).toAbsolutePath().normalize();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java <launcher flags> -jar ir.jar args...} */
    static List<String> irJar(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A clean environment for a child process; {@code home} stands in for the user's home directory. */
    /** Runs {@code install.sh ARGS} from {@code cwd} into {@code prefix}, installing the jar this build made. */
    static Result install(Path prefix, Path cwd, Map<String, String> env, String... args) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.putIfAbsent("PREFIX", prefix.toString());
        e.putIfAbsent("IR_INSTALL_JAR", jar().toString());
        List<String> cmd = new java.util.ArrayList<>(List.of("sh", source().resolve("install.sh").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, cwd, e);
    }

    static Map<String, String> cleanEnv(Path home) {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("IR_") || k.startsWith("GIT_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        env.put("HOME", home.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("LC_ALL", "C");
        env.put("IR_DAEMON", "0"); // no background process outliving a test, except where a test asks for one
        // nor a clone's auto-sync process (a command that commits in a clone starts one), except where asked for
        env.put("IR_AUTOSYNC_SPAWN", "0");
        return env;
    }

    static Process start(List<String> cmd, Path cwd, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** Waits for a started process, reading both streams, and kills it after {@link #TIMEOUT}. */
    static Result finish(Process p) {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()), READERS);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()), READERS);
        try {
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + TIMEOUT + ": " + p.info().commandLine().orElse("?"));
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted", e);
        }
    }

    static Result run(List<String> cmd, Path cwd, Map<String, String> env) {
        return finish(start(cmd, cwd, env));
    }

    /** Runs git in {@code dir}; fails the test when git fails. */
    static String git(Path dir, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        Result r = run(cmd, dir, env);
        assertThat(r.exit()).as("git %s\n%s", String.join(" ", args), r).isZero();
        return r.out();
    }

    /** A new git repository in {@code dir} with a pinned identity in its own config. */
    static void gitRepo(Path dir, Map<String, String> env, String name, String email) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(dir, env, "init", "-q", "-b", "main");
        git(dir, env, "config", "user.name", name);
        git(dir, env, "config", "user.email", email);
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ir ARGS} from the packaged jar, run in {@code dir} with {@code env}. */
    static Result ir(Path dir, Map<String, String> env, String... args) {
        return run(irJar(args), dir, env);
    }

    /** Fails the test unless {@code r} exited 0; the message shows its output. */
    static Result ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    /** The commit a clone's HEAD (or a bare repository's main) is at. */
    static String head(Path repo) {
        return git(repo, cleanEnv(repo), "rev-parse", Files.isDirectory(repo.resolve(".git")) ? "HEAD" : "main")
                .strip();
    }

    /** The ID of the (first) incident file in a clone's incidents/. */
    static String incidentId(Path clone) {
        try (java.util.stream.Stream<Path> files = Files.list(clone.resolve("incidents"))) {
            String name = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
                    .findFirst().orElseThrow();
            return name.substring(0, name.length() - ".yaml".length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
