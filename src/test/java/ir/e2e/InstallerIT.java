package ir.e2e;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static ir.e2e.Processes.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code install.sh} run as a user would (with {@code IR_INSTALL_JAR} so it installs the jar this build made instead of
 * running Maven again), then the installed launcher {@code bin/ir} run as a separate process.
 */
class InstallerIT {
    @TempDir
    Path tmp;
    Path prefix;
    Path repo;
    Map<String, String> env;

    @BeforeEach
    void setUp() {
        prefix = tmp.resolve("prefix");
        repo = tmp.resolve("repo");
        env = Processes.cleanEnv(tmp);
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Processes.gitRepo(repo, env, "Erin Endtoend", "erin@example.com");
    }

    private Processes.Result install(Map<String, String> extra, String... args) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        return Processes.install(prefix, tmp, e, args);
    }

    private Processes.Result ir(Map<String, String> extra, String... args) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        List<String> cmd = new java.util.ArrayList<>(List.of(prefix.resolve("bin/ir").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, repo, e);
    }

    /** Runs the launcher with class loading logged; true when ir's classes came from the start-up archive. */
    private boolean launcherUsesTheArchive() throws Exception {
        Path log = tmp.resolve("classes-" + System.nanoTime() + ".log");
        var r = ir(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log), "--version");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.out()).startsWith("ir ");
        assertThat(r.err().lines().filter(l -> !l.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS"))).as("no JVM warning")
                .isEmpty();
        return Files.readString(log).contains("ir.cli.Cli source: shared objects file");
    }

    @Test
    void installsTheLauncherWhichRunsIrInARepositoryWithTheStartUpArchive() throws Exception {
        var r = install(Map.of());

        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.err()).contains("Installed ir ").contains(prefix.resolve("bin") + " is not on your PATH");
        assertQuiet(r);
        assertThat(prefix.resolve("bin/ir")).isExecutable();
        assertThat(prefix.resolve("lib/ir/ir.jar")).hasSameBinaryContentAs(Processes.jar());
        assertThat(prefix.resolve("lib/ir/ir.jsa")).isRegularFile();
        assertThat(Files.readString(prefix.resolve("bin/ir")))
                .contains("-jar \"$lib/ir.jar\"").contains(prefix.resolve("lib/ir").toString());

        assertThat(ir(Map.of(), "init").exit()).isZero();
        var open = ir(Map.of(), "open", "Checkout latency spike", "--severity", "SEV-2");
        assertThat(open.exit()).as("%s", open).isZero();
        String id = open.out().strip();
        assertThat(id).endsWith("-checkout-latency-spike");
        assertThat(repo.resolve("incidents/" + id + ".yaml")).isRegularFile();
        assertThat(JarIT.commits(repo).get(0).getAuthorIdent().getEmailAddress()).isEqualTo("erin@example.com");
        var log = ir(Map.of(), "log", "database", "failover", "started");
        assertThat(log.exit()).as("%s", log).isZero();
        assertThat(launcherUsesTheArchive()).as("the launcher uses the archive").isTrue();
    }

    /**
     * The installer says one line per step, plain: no escape sequence (colours from a build tool), nothing about
     * class-file versions from the build, no Maven or Java chatter.
     */
    private static void assertQuiet(Processes.Result r) {
        String all = r.out() + r.err();
        assertThat(all).as("%s", r).doesNotContain("\u001b").doesNotContain("Java 8").doesNotContain("[INFO]")
                .doesNotContain("WARNING");
        assertThat(all.lines()).as("%s", r).hasSizeLessThanOrEqualTo(5)
                .allMatch(l -> l.startsWith("Building ") || l.startsWith("Installed ") || l.startsWith("Note: ")
                        || l.startsWith("The start-up archive") || l.startsWith("Skipped the start-up archives"));
    }

    @Test
    void installsManPagesThatManRendersWithoutWarningsAndBashCompletionThatCompletesFromTheWorkspace()
            throws Exception {
        var r = install(Map.of("IR_INSTALL_NO_CDS", "1"));
        assertThat(r.exit()).as("%s", r).isZero();
        assertQuiet(r);
        assertThat(r.err()).contains("with 'man ir' and bash completion");

        Path man1 = prefix.resolve("share/man/man1");
        List<Path> pages;
        try (var files = Files.list(man1)) {
            pages = files.sorted().toList();
        }
        assertThat(pages).extracting(p -> p.getFileName().toString())
                .contains("ir.1", "ir-log.1", "ir-action-add.1", "ir-help.1", "ir-completion.1")
                .allMatch(n -> n.matches("ir(-[a-z-]+)?\\.1"));
        boolean hasMan = Files.isExecutable(Path.of("/usr/bin/man"));
        for (Path page : pages) {
            List<String> cmd = hasMan ? List.of("man", "--warnings=w", "-l", page.toString())
                    : List.of("groff", "-ww", "-man", "-Tutf8", "-z", page.toString());
            Map<String, String> e = new HashMap<>(env);
            e.put("MANWIDTH", "80");
            e.put("PAGER", "cat");
            var shown = run(cmd, tmp, e);
            assertThat(shown.exit()).as("%s: %s", page, shown).isZero();
            assertThat(shown.err()).as("%s: warnings", page).isEmpty();
            if (hasMan) {
                assertThat(shown.out()).as("%s", page).contains("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS",
                        "SEE ALSO");
            }
        }
        if (hasMan) {
            Map<String, String> e = new HashMap<>(env);
            e.put("MANPATH", prefix.resolve("share/man").toString());
            var where = run(List.of("man", "-w", "ir-log"), tmp, e);
            assertThat(where.out().strip()).as("%s", where).isEqualTo(man1.resolve("ir-log.1").toString());
        }

        // The installed completion script, with the installed ir on PATH, in a workspace.
        assertThat(ir(Map.of(), "init").exit()).isZero();
        String id = ir(Map.of(), "open", "Checkout latency spike", "--severity", "SEV-2").out().strip();
        Path script = prefix.resolve("share/bash-completion/completions/ir");
        assertThat(script).isRegularFile();
        Map<String, String> e = new HashMap<>(env);
        e.put("PATH", prefix.resolve("bin") + ":" + env.get("PATH"));
        var c = run(List.of("bash", "--norc", "--noprofile", "-c", ". '" + script + "'\n"
                + "t() { COMP_WORDS=( \"$@\" ); COMP_CWORD=$(( $# - 1 )); _ir; echo \"${COMPREPLY[*]}\"; }\n"
                + "t ir sev; t ir severity ''; t ir log -i ''\n"), repo, e);
        assertThat(c.exit()).as("%s", c).isZero();
        assertThat(c.out().lines()).as("%s", c).containsExactly("severity", "SEV-1 SEV-2 SEV-3 SEV-4 SEV-5", id);
    }

    @Test
    void aStaleArchiveIsNotUsedAndRunningTheInstallerAgainRebuildsIt() throws Exception {
        assertThat(install(Map.of()).exit()).isZero();
        FileTime archiveTime = Files.getLastModifiedTime(prefix.resolve("lib/ir/ir.jsa"));

        var again = install(Map.of());
        assertThat(again.exit()).as("%s", again).isZero();
        assertThat(again.err()).contains("up to date");
        assertThat(Files.getLastModifiedTime(prefix.resolve("lib/ir/ir.jsa"))).isEqualTo(archiveTime);

        // The jar changed after the archive was made (an update, a copy): the launcher must not use the archive.
        Files.setLastModifiedTime(prefix.resolve("lib/ir/ir.jar"), FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(launcherUsesTheArchive()).as("a stale archive is not used").isFalse();
        var rebuild = install(Map.of());
        assertThat(rebuild.exit()).as("%s", rebuild).isZero();
        assertThat(rebuild.err()).contains("Building the start-up archive");
        assertThat(launcherUsesTheArchive()).isTrue();

        // An archive recorded for another Java build (the JDK was updated) is not used either.
        String stamp = Files.readString(prefix.resolve("lib/ir/ir.jsa.id"));
        Files.writeString(prefix.resolve("lib/ir/ir.jsa.id"), stamp.replace("JAVA_RUNTIME_VERSION=", "OTHER="));
        assertThat(launcherUsesTheArchive()).as("an archive of another Java build is not used").isFalse();
        assertThat(install(Map.of()).err()).contains("Building the start-up archive");
        assertThat(launcherUsesTheArchive()).isTrue();
    }

    @Test
    void uninstallRemovesWhatTheInstallerWroteAndIsSafeToRepeat() throws Exception {
        assertThat(install(Map.of("IR_INSTALL_NO_CDS", "1")).exit()).isZero();
        Files.writeString(prefix.resolve("bin/other-tool"), "#!/bin/sh\n");
        Files.writeString(prefix.resolve("share/man/man1/ir-other.1"), ".TH IR-OTHER 1\n"); // not ir's

        var r = install(Map.of(), "--uninstall");

        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(prefix.resolve("bin/ir")).doesNotExist();
        assertThat(prefix.resolve("lib/ir")).doesNotExist();
        assertThat(prefix.resolve("bin/other-tool")).exists();
        try (var left = Files.list(prefix.resolve("share/man/man1"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("ir-other.1");
        }
        assertThat(prefix.resolve("share/bash-completion/completions/ir")).doesNotExist();
        var again = install(Map.of(), "--uninstall");
        assertThat(again.exit()).isZero();
        assertThat(again.err()).contains("nothing to remove");
    }

    @Test
    void refusesAJavaOlderThan17WithAClearMessageAndInstallsNothing() throws Exception {
        Path fake = tmp.resolve("java11");
        Files.writeString(fake, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n"
                + "echo '    java.home = /opt/jdk-11' >&2\necho 'openjdk version \"11.0.2\"' >&2\n");
        fake.toFile().setExecutable(true);

        var r = install(Map.of("IR_JAVA", fake.toString()));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("install.sh: ").contains("Java 17 or newer").contains("Java 11");
        assertThat(prefix).doesNotExist();
    }

    @Test
    void saysWhatToInstallWhenJavaIsMissing() {
        var r = install(Map.of("IR_JAVA", tmp.resolve("no-such-java").toString()));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Java 17 or newer is needed");
        assertThat(prefix).doesNotExist();
    }

    @Test
    void saysWhatToInstallWhenMavenIsMissingAndNoJarIsGiven() throws Exception {
        // A PATH with the tools install.sh uses, but no mvn.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("sed", "head", "dirname")) {
            Path real = List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream().filter(Files::isExecutable)
                    .findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        Map<String, String> e = new HashMap<>(env);
        e.put("PATH", bin.toString());
        e.put("PREFIX", prefix.toString());
        e.put("IR_JAVA", Processes.java());

        var r = run(List.of("/bin/sh", Processes.source().resolve("install.sh").toString()), tmp, e);

        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.err()).contains("Maven ('mvn') is needed");
        assertThat(prefix).doesNotExist();
    }
}
