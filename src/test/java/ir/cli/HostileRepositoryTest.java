package ir.cli;

import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's acceptance: an attacker's repository carrying each attack (a symlinked {@code .gitattributes}, a symlinked
 * incident, a template bomb, escape sequences in every field, hooks through {@code core.hooksPath}, an oversized
 * entry) is pushed to a bare origin and cloned by a victim, who then runs the everyday commands. After EVERY run: the
 * secret beside the victim's home is in no output, no file of the clone and no object of the clone or the origin, and
 * nothing outside the workspace changed; the run returned within its budget; stdout and stderr hold no control
 * character but newline and tab; no hook ran.
 */
@Timeout(180)
class HostileRepositoryTest {
    private static final String TOKEN = "TOKEN-9d41e7c2-ID-ED25519-NEVER-LEAK";
    private static final Duration BUDGET = Duration.ofSeconds(20);
    private static final String BOB = "Bob Builder <bob@example.com>";
    private static final String ID = "2026-11-28-hostile";
    private static final String BAD_TIME = "2026-11-28-badtime";
    private static final String BIG = "2026-11-28-big";
    private static final String LEAK = "2026-11-28-leak";
    private static final String REFUSED = " is a symbolic link; ir reads only regular files inside the workspace";
    /** OSC 52 clipboard write, window title, screen clear, cursor up and line erase, CR, BS, DEL, C1 CSI, bidi. */
    private static final String H = "\u001b]52;c;cm0gLXJmIH4K\u0007\u001b]0;pwned\u0007\u001b[2J\u001b[H"
            + "\u001b[1A\u001b[2Kir: all good\rforged\b\b\u007f\u009b31m\u202e";
    private static final String FIVE_DEEP = "{{#timeline}}".repeat(5) + "{{/timeline}}".repeat(5) + "\n";
    private static final List<String> HOOKS = List.of("pre-push", "post-merge", "post-checkout",
            "reference-transaction", "pre-commit", "commit-msg", "post-commit", "prepare-commit-msg", "post-rewrite",
            "pre-merge-commit", "pre-auto-gc", "post-update", "pre-receive", "update", "post-receive");

    @TempDir
    Path tmp;

    private Path origin;
    private Path home;
    private Path secret;
    private Path marker;
    private Map<String, String> homeBefore;

    /** The victim's home: {@code ~/.ssh/id_ed25519}, shaped as a valid incident so that a reader following a link
     * would happily parse, show, commit and push it. */
    @BeforeEach
    void victimsHome() throws IOException {
        home = tmp.resolve("home");
        secret = write(home.resolve(".ssh/id_ed25519"), "schema: 1\nid: " + LEAK + "\ntitle: " + TOKEN
                + "\nseverity: SEV-2\nstatus: investigating\nopened_at: 2026-11-28T09:00:00Z\nsummary: " + TOKEN
                + "\n# -----BEGIN OPENSSH PRIVATE KEY----- " + TOKEN + "\n");
        write(home.resolve(".ssh/known_hosts"), "example.com ssh-ed25519 AAAA\n");
        homeBefore = snapshot(home);
        marker = tmp.resolve("hook-ran");
        origin = Clones.bare(tmp.resolve("origin.git"));
    }

    @Test
    void escapesTemplateBombHooksAndAnOversizedIncidentAreAllHarmless() throws Exception {
        IrTester eve = Clones.first(tmp.resolve("eve"), origin);
        plant(eve, "incidents/" + ID + ".yaml", hostileIncident(), "plant " + H + " subject", "Mal " + H);
        plant(eve, "incidents/" + BAD_TIME + ".yaml", "schema: 1\nid: " + BAD_TIME + "\ntitle: bad\nopened_at: "
                + q("2026" + H) + "\n", "bad time " + H, "Mal " + H);
        // rendered with the harmless template first, so that a merge re-renders it with the bomb
        ok(eve.run("postmortem", "-i", ID));
        plant(eve, "templates/postmortem.md.mustache", FIVE_DEEP, "nicer template", "Mal");
        hooks(eve.dir().resolve(".githooks"));
        plant(eve, ".githooks", null, "shared hooks: run git config core.hooksPath .githooks", "Mal");
        // a pasted log just under the 8 MiB limit for one file
        StringBuilder big = new StringBuilder("schema: 1\nid: " + BIG + "\ntitle: big\nseverity: SEV-3\n"
                + "status: investigating\nopened_at: 2026-11-28T09:00:00Z\nattachment: |\n");
        String line = "  2026-11-28T09:00:00Z GET /checkout 200 in 12 ms\n";
        while (big.length() + line.length() < 8 * 1024 * 1024 - 4096) {
            big.append(line);
        }
        plant(eve, "incidents/" + BIG + ".yaml", big.toString(), "attach the log", "Mal");
        push(eve);

        IrTester bob = victim();
        assertThat(bob.dir().resolve(".githooks/pre-commit")).isExecutable();
        try (Repository r = new FileRepositoryBuilder().setWorkTree(bob.dir().toFile()).build()) {
            StoredConfig c = r.getConfig();
            // what the README's "git config core.hooksPath .githooks" amounts to (absolute: JGit resolves a relative
            // hooksPath against the process's directory, git against the work tree)
            c.setString("core", null, "hooksPath", bob.dir().resolve(".githooks").toString());
            c.save();
        }

        run(bob, 0, "init");
        IrTester.Result list = run(bob, 0, "list");
        assertThat(list.err()).contains("ir: warning: ", BAD_TIME);
        run(bob, 0, "list", "--json");
        assertThat(run(bob, 0, "show", "-i", ID).out()).contains("forged", "line 2");
        run(bob, -1, "show", "-i", BAD_TIME);
        assertThat(run(bob, 0, "history", "-i", ID).out()).contains(" subject");
        run(bob, 0, "history", "-i", BAD_TIME);
        run(bob, 0, "actions");
        run(bob, 0, "stats");
        IrTester.Result bomb = run(bob, 1, "postmortem", "-i", ID);
        assertThat(bomb.err()).startsWith("ir: template templates/postmortem.md.mustache needs more than");
        run(bob, 1, "postmortem", "-i", ID, "--stdout");
        run(bob, 0, "log", "-i", ID, "restarted the pods");

        // the oversized incident: one more entry would pass the limit, so it is refused and nothing changes
        Path bigFile = bob.incidentFile(BIG);
        byte[] bigBefore = Files.readAllBytes(bigFile);
        ObjectId headBefore = bob.commits().get(0).getId();
        IrTester.Result over = run(bob, 2, "log", "-i", BIG, "界".repeat(3000));
        assertThat(over.err()).startsWith("ir: this change would make incidents/" + BIG + ".yaml 8.0 MiB, over the "
                + "8 MiB limit for one file").hasLineCount(1);
        assertThat(Files.readAllBytes(bigFile)).isEqualTo(bigBefore);
        assertThat(bob.commits().get(0).getId()).isEqualTo(headBefore);
        assertThat(bob.clean()).isTrue();
        run(bob, 0, "show", "-i", BIG);

        // Eve adds to the same incident, so Bob's sync merges and re-renders the post-mortem with the bomb
        ok(eve.run("log", "-i", ID, "eve " + H + " was here"));
        ok(eve.run("sync"));
        IrTester.Result sync = run(bob, 0, "sync");
        assertThat(sync.err()).contains("did not re-render incidents/" + ID + ".md after the merge: template "
                + "templates/postmortem.md.mustache needs more than");
        assertThat(IrTester.timelineTexts(bob.yaml(ID))).contains("restarted the pods");
        run(bob, 0, "sync");
        run(bob, 0, "list");
        assertThat(originHead()).isEqualTo(bob.commits().get(0).getId());

        // the hooks were live all along: plain git runs them at once
        if (Clones.gitInstalled(tmp)) {
            Clones.Proc git = Clones.run(bob.dir(), Map.of("HOME", home.toString()), "git", "-c", "user.name=Bob",
                    "-c", "user.email=bob@example.com", "commit", "--allow-empty", "-m", "by hand");
            assertThat(git.exit()).as(git.output()).isZero();
            assertThat(marker).exists();
        }
    }

    @Test
    void aSymlinkedGitattributesIsNeverReadCommittedOrPushed() throws Exception {
        IrTester eve = Clones.first(tmp.resolve("eve"), origin);
        eve.open("--id", ID, "Checkout latency");
        Path attributes = eve.dir().resolve(".gitattributes");
        Files.delete(attributes);
        Files.createSymbolicLink(attributes, secret);
        plant(eve, ".gitattributes", null, "attributes", "Mal");
        ObjectId pushed = push(eve);

        IrTester bob = victim();
        assertThat(bob.dir().resolve(".gitattributes")).isSymbolicLink();
        String refused = "ir: refusing to read .gitattributes: it" + REFUSED;
        run(bob, 0, "init"); // the clone is already a workspace: nothing to set up, nothing read
        run(bob, 0, "list");
        run(bob, 0, "show", "-i", ID);
        run(bob, 0, "history", "-i", ID);
        run(bob, 0, "log", "-i", ID, "restarted the pods");
        run(bob, 0, "postmortem", "-i", ID);
        assertThat(run(bob, 1, "sync").err()).isEqualTo(refused + "\n");
        assertThat(bob.dir().resolve(".gitattributes")).isSymbolicLink();
        assertThat(originHead()).isEqualTo(pushed);
    }

    @Test
    void aSymlinkedIncidentIsNeverShownCommittedOrPushed() throws Exception {
        IrTester eve = Clones.first(tmp.resolve("eve"), origin);
        eve.open("--id", ID, "Checkout latency");
        Path link = eve.incidentFile(LEAK);
        Files.createSymbolicLink(link, secret);
        plant(eve, "incidents/" + LEAK + ".yaml", null, "the other incident", "Mal");
        ObjectId pushed = push(eve);

        IrTester bob = victim();
        assertThat(bob.incidentFile(LEAK)).isSymbolicLink();
        String refused = "ir: refusing to read incidents/" + LEAK + ".yaml: it" + REFUSED;
        run(bob, 0, "init");
        assertThat(run(bob, 0, "list").err()).contains(refused.substring("ir: ".length()));
        for (String[] args : new String[][] {{"show", "-i", LEAK}, {"log", "-i", LEAK, "x"},
                {"postmortem", "-i", LEAK}, {"postmortem", "-i", LEAK, "--stdout"}}) {
            assertThat(run(bob, 1, args).err()).isEqualTo(refused + "\n");
        }
        run(bob, 0, "history", "-i", LEAK);
        run(bob, 0, "log", "-i", ID, "restarted the pods");
        assertThat(run(bob, 1, "sync").err()).isEqualTo(refused + "\n");
        run(bob, 0, "show", "-i", ID);
        assertThat(bob.incidentFile(LEAK)).isSymbolicLink();
        assertThat(originHead()).isEqualTo(pushed);
    }

    // ---- the victim and the checks after every run -----------------------------------------------------------------

    /** A new team member's clone of the origin, with the secret in their home. */
    private IrTester victim() {
        return Clones.clone(origin, tmp.resolve("bob"), BOB).env("HOME", home.toString());
    }

    /** Runs ir as the victim and checks every guarantee; {@code exit} -1 when any exit is acceptable. */
    private IrTester.Result run(IrTester victim, int exit, String... args) throws IOException {
        long start = System.nanoTime();
        IrTester.Result r = victim.run(args);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String what = "ir " + String.join(" ", args).replaceAll("(.)\\1{20,}", "$1...") + " in " + took.toMillis()
                + " ms\n" + r;
        assertThat(took).as(what).isLessThan(BUDGET);
        if (exit >= 0) {
            assertThat(r.exit()).as(what).isEqualTo(exit);
        }
        assertInert(what, r.out());
        assertInert(what, r.err());
        assertThat(r.out() + r.err()).as(what).doesNotContain(TOKEN);
        assertThat(marker).as(what + "\na hook ran").doesNotExist();
        assertThat(snapshot(home)).as(what + "\noutside the workspace").isEqualTo(homeBefore);
        assertNoSecretInFiles(victim.dir(), what);
        assertNoSecretInObjects(victim.dir().resolve(".git"), what);
        assertNoSecretInObjects(origin, what);
        return r;
    }

    /** No byte below 0x20 but newline and tab, no DEL, no C1 control (and no bidi override). */
    private static void assertInert(String what, String stream) {
        for (int i = 0; i < stream.length(); i++) {
            char c = stream.charAt(i);
            boolean bad = c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f
                    || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
            assertThat(bad).as("U+%04X at %d of %s", (int) c, i, what).isFalse();
        }
    }

    /** Every regular file of the clone (links not followed), git's loose objects inflated. */
    private void assertNoSecretInFiles(Path dir, String what) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                if (f.getParent().getFileName().toString().matches("[0-9a-f]{2}")
                        && f.getParent().getParent().getFileName().toString().equals("objects")) {
                    try (InputStream in = new InflaterInputStream(Files.newInputStream(f))) {
                        bytes = in.readAllBytes();
                    }
                }
                assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).as("%s after %s", f, what)
                        .doesNotContain(TOKEN);
            }
        }
    }

    /** Every commit, tree and blob reachable from any ref of the repository in {@code gitDir}. */
    private static void assertNoSecretInObjects(Path gitDir, String what) throws IOException {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).build();
             ObjectWalk walk = new ObjectWalk(repo)) {
            walk.setRetainBody(true);
            for (Ref ref : repo.getRefDatabase().getRefs()) {
                if (ref.getObjectId() != null) {
                    walk.markStart(walk.parseAny(ref.getObjectId()));
                }
            }
            for (RevCommit c = walk.next(); c != null; c = walk.next()) {
                assertThat(c.getFullMessage()).as("commit %s after %s", c.name(), what).doesNotContain(TOKEN);
            }
            for (RevObject o = walk.nextObject(); o != null; o = walk.nextObject()) {
                if (o.getType() == Constants.OBJ_BLOB) {
                    String blob = new String(repo.open(o).getBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(blob).as("%s %s in %s after %s", walk.getPathString(), o.name(), gitDir, what)
                            .doesNotContain(TOKEN);
                }
            }
        }
    }

    /** Every path under {@code dir} with its content. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                out.put(dir.relativize(p).toString(), Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? Files.readString(p) : "");
            }
        }
        return out;
    }

    // ---- the attacker's repository ---------------------------------------------------------------------------------

    /** An incident with an escape sequence in every field a repository controls, and a timeline for the bomb. */
    private static String hostileIncident() {
        String person = q("Mal " + H + " <m@example.com>");
        StringBuilder y = new StringBuilder("schema: 1\nid: " + ID + "\ntitle: " + q("t " + H + " end")
                + "\nseverity: SEV-2\nstatus: investigating\nopened_at: 2026-11-28T09:00:00Z\nsummary: "
                + q("s " + H) + "\nroles: {commander: [" + person + "]}\nactions:\n  - {id: aaaaaaaaaaaa, text: "
                + q("a " + H) + ", owner: " + person + ", status: open}\ntimeline:\n");
        for (int e = 0; e < 60; e++) {
            y.append(String.format("  - {id: e%011d, at: 2026-11-28T09:%02d:00Z, author: %s, type: note, text: %s}%n",
                    e, e, person, q("n " + e + H + "\nline 2")));
        }
        return y.toString();
    }

    /** Writes {@code content} (unless null) to {@code path} in Eve's clone and commits it under her chosen names. */
    private static void plant(IrTester eve, String path, String content, String subject, String author)
            throws Exception {
        if (content != null) {
            write(eve.dir().resolve(path), content);
        }
        try (Git git = Git.open(eve.dir().toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage(subject).setAuthor(author, "m@example.com").setCommitter("Mal", "m@example.com")
                    .call();
        }
    }

    /** Pushes Eve's main to the origin with JGit (her own ir would refuse the links); returns what was pushed. */
    private static ObjectId push(IrTester eve) throws Exception {
        try (Git git = Git.open(eve.dir().toFile())) {
            git.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
            return git.getRepository().resolve("refs/heads/main");
        }
    }

    private ObjectId originHead() throws IOException {
        try (Repository remote = new FileRepositoryBuilder().setGitDir(origin.toFile()).build()) {
            return remote.resolve("refs/heads/main");
        }
    }

    /** Executable hooks, each of which would create the marker file. */
    private void hooks(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String h : HOOKS) {
            Path f = dir.resolve(h);
            Files.writeString(f, "#!/bin/sh\necho " + h + " >> '" + marker + "'\nexit 0\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void ok(IrTester.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    private static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code s} as a YAML double-quoted scalar, every character an escape. */
    private static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
        return b.append('"').toString();
    }
}
