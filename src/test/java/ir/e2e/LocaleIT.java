package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The installed launcher under locales that are not UTF-8 (C, POSIX, none at all), in-process and through the
 * background process: what a person types in any script is committed as its UTF-8 bytes, and a workspace under a
 * non-ASCII directory works. Every non-ASCII string reaches {@code sh} inside a script file written as UTF-8, so
 * this test's own JVM and its locale never encode one.
 */
class LocaleIT {
    static final String TITLE = "Café über 日本語 🚒";
    static final String TEXT = "é ü 日本語 — fixed by Zoë 🎉";
    static final String PIPED = "stdin: Ωmega ü 日本 🔥";
    static final String DIR = "wörkspace 日本語 🗂";

    @TempDir
    static Path installed;
    static Path launcher;

    @TempDir
    Path tmp;
    Map<String, String> env;

    @BeforeAll
    static void install() {
        Map<String, String> e = Processes.cleanEnv(installed);
        e.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        var r = Processes.install(installed.resolve("prefix"), installed, e);
        assertThat(r.exit()).as("%s", r).isZero();
        launcher = installed.resolve("prefix/bin/ir");
        assertThat(installed.resolve("prefix/lib/ir/client.jsa")).isRegularFile();
    }

    @AfterEach
    void stopTheProcess() {
        if (env != null) {
            sh("cd / && exec " + q(launcher.toString()) + " daemon stop");
        }
    }

    static Stream<Arguments> locales() {
        List<Arguments> all = new ArrayList<>();
        for (String locale : new String[] {"C", "POSIX", "none"}) {
            all.add(Arguments.of(locale, false));
            all.add(Arguments.of(locale, true));
        }
        return all.stream();
    }

    /** The clean environment of the e2e tests without any locale variable, then {@code LC_ALL=locale}. */
    private void environment(String locale, boolean daemon) {
        env = Processes.cleanEnv(tmp);
        env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        if (!locale.equals("none")) {
            env.put("LC_ALL", locale);
        }
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("IR_DAEMON", daemon ? "1" : "0");
        env.put("IR_DAEMON_DIR", tmp.resolve("d").toString());
        env.put("IR_DAEMON_IDLE", "120");
        env.put("IR_DAEMON_WARMUP_MS", "0");
    }

    private static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private int scripts;

    /** Runs {@code script} (UTF-8 bytes in a file) with sh from {@link #tmp}. */
    private Processes.Result sh(String script) {
        try {
            Path file = tmp.resolve("script-" + scripts++ + ".sh");
            Files.write(file, script.getBytes(StandardCharsets.UTF_8));
            return Processes.run(List.of("sh", file.toString()), tmp, env);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the installed {@code ir ARGS} in the workspace under {@link #DIR}. */
    private Processes.Result ir(String... args) {
        StringBuilder s = new StringBuilder("cd " + q(DIR) + " && exec " + q(launcher.toString()));
        for (String a : args) {
            s.append(' ').append(q(a));
        }
        return sh(s.toString());
    }

    /** A git repository under {@link #DIR}, reachable as {@code tmp/alias} by a path this JVM can name. */
    private Path workspace() {
        var r = sh("mkdir " + q(DIR) + " && cd " + q(DIR) + " && git init -q -b main && git config user.name 'Zoë Ünal'"
                + " && git config user.email zoe@example.com && cd .. && ln -s " + q(DIR) + " alias");
        assertThat(r.exit()).as("%s", r).isZero();
        return tmp.resolve("alias");
    }

    private static byte[] committed(Path repo, String path) throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            Repository r = git.getRepository();
            try (TreeWalk w = TreeWalk.forPath(r, path, r.parseCommit(r.resolve("HEAD")).getTree())) {
                assertThat(w).as("%s is committed", path).isNotNull();
                return r.open(w.getObjectId(0)).getBytes();
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void awaitProcess() throws Exception {
        Path sockets = tmp.resolve("d");
        for (int i = 0; i < 600; i++) {
            if (Files.isDirectory(sockets)) {
                try (var s = Files.list(sockets)) {
                    if (s.anyMatch(p -> p.toString().endsWith(".sock"))) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the background process did not start");
    }

    @ParameterizedTest(name = "locale {0}, background process {1}")
    @MethodSource("locales")
    void everyScriptIsCommittedAsItsUtf8BytesInANonAsciiWorkspace(String locale, boolean daemon) throws Exception {
        environment(locale, daemon);
        Path repo = workspace();
        var init = ir("init");
        assertThat(init.exit()).as("%s", init).isZero();

        var open = ir("open", TITLE, "--severity", "SEV-2");
        assertThat(open.exit()).as("%s", open).isZero();
        String id = open.out().strip();
        if (daemon) {
            awaitProcess();
        }
        var log = ir("log", TEXT);
        assertThat(log.exit()).as("%s", log).isZero();
        var piped = sh("cd " + q(DIR) + " && printf '%s\\n' " + q(PIPED) + " | " + q(launcher.toString()) + " log -");
        assertThat(piped.exit()).as("%s", piped).isZero();
        if (daemon) {
            assertThat(ir("daemon").out()).as("the log went through the background process")
                    .contains("commands served: 1");
        }

        byte[] file = committed(repo, "incidents/" + id + ".yaml");
        assertThat(contains(file, TITLE.getBytes(StandardCharsets.UTF_8))).as(new String(file,
                StandardCharsets.UTF_8)).isTrue();
        assertThat(contains(file, TEXT.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(contains(file, PIPED.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(contains(file, new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD})).as("no U+FFFD").isFalse();
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(file);
        assertThat(doc.get("title").asText()).isEqualTo(TITLE);
        List<String> texts = new ArrayList<>();
        doc.get("timeline").forEach(e -> texts.add(e.get("text").asText()));
        assertThat(texts).contains(TEXT, PIPED);
        List<RevCommit> commits = JarIT.commits(repo);
        assertThat(commits.get(0).getFullMessage()).contains(PIPED);
        assertThat(commits.get(1).getFullMessage()).contains(TEXT);
        assertThat(commits.get(2).getFullMessage()).contains(TITLE);
        assertThat(commits.get(0).getAuthorIdent().getName()).isEqualTo("Zoë Ünal");

        var show = ir("show", "--json");
        assertThat(show.exit()).as("%s", show).isZero();
        assertThat(show.out()).as("standard output is UTF-8").contains(TITLE).contains(TEXT);
    }

    @Test
    void aJvmStartedWithoutTheLauncherUnderCRefusesWhatItCouldNotDecodeAndChangesNothing() throws Exception {
        environment("C", false);
        Path repo = workspace();
        assertThat(ir("init").exit()).isZero();
        int before = JarIT.commits(repo).size();
        String java = Processes.java();
        String jar = Processes.jar().toString();

        var r = sh("cd alias && exec " + q(java) + " -jar " + q(jar) + " open " + q(TITLE));

        assertThat(r.exit()).as("%s", r).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("ir: this locale's character set").contains("LC_ALL=C.UTF-8")
                .doesNotContain("\n");
        assertThat(JarIT.commits(repo)).hasSize(before);
        assertThat(Processes.git(repo, env, "status", "--porcelain")).isEmpty();
    }

    /** The environment and arguments the launcher runs Java with, seen by a stand-in java (IR_JAVA). */
    private String launched(Map<String, String> locale) throws Exception {
        environment("none", false);
        env.putAll(locale);
        Path fake = tmp.resolve("fake-java");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"$@\"\nenv\n");
        fake.toFile().setExecutable(true);
        env.put("IR_JAVA", fake.toString());
        var r = sh("exec " + q(launcher.toString()) + " --version");
        assertThat(r.exit()).as("%s", r).isZero();
        return r.out();
    }

    @Test
    void theLauncherChangesOnlyALocaleThatIsNotUtf8AndOnlyItsCharacterSet() throws Exception {
        assertThat(launched(Map.of("LC_ALL", "C"))).contains("\nLC_ALL=C.UTF-8\n").contains("-Dfile.encoding=UTF-8");
        assertThat(launched(Map.of("LC_ALL", "POSIX", "LANG", "de_DE.UTF-8"))).contains("\nLC_ALL=C.UTF-8\n");
        String none = launched(Map.of());
        assertThat(none).contains("\nLC_CTYPE=C.UTF-8\n").doesNotContain("LC_ALL=");
        String messages = launched(Map.of("LANG", "de_DE", "LC_MESSAGES", "de_DE"));
        assertThat(messages).contains("\nLC_CTYPE=C.UTF-8\n", "\nLANG=de_DE\n", "\nLC_MESSAGES=de_DE\n")
                .doesNotContain("LC_ALL=");
        assertThat(launched(Map.of("LC_CTYPE", "C", "LANG", "de_DE.UTF-8"))).contains("\nLC_CTYPE=C.UTF-8\n");
        String kept = launched(Map.of("LANG", "de_DE.UTF-8"));
        assertThat(kept).contains("\nLANG=de_DE.UTF-8\n").doesNotContain("LC_CTYPE=").doesNotContain("LC_ALL=");
        assertThat(launched(Map.of("LC_ALL", "en_US.utf8"))).contains("\nLC_ALL=en_US.utf8\n")
                .doesNotContain("LC_CTYPE=");
    }
}
