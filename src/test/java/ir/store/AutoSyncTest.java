package ir.store;

import ir.model.Freshness;
import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

import static org.assertj.core.api.Assertions.assertThat;

/** The auto-sync engine, stepped by hand with a clock the test moves: no sleeping, no processes. */
class AutoSyncTest {
    private static final String BOB = "Bob Builder <bob@example.com>";

    @TempDir
    Path tmp;

    private Path bare;
    private IrTester a;
    private IrTester b;
    private String id;
    private final List<AutoSync> engines = new ArrayList<>();

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovingClock clock = new MovingClock(IrTester.T0.plusSeconds(2));

    private void twoClones() {
        bare = Clones.bare(tmp.resolve("remote.git"));
        a = Clones.first(tmp.resolve("a"), bare);
        id = a.open("Checkout latency spike", "--severity", "SEV-2");
        IrTester.ok(a.run("sync"));
        b = Clones.clone(bare, tmp.resolve("b"), BOB);
        IrTester.ok(b.run("use", id));
    }

    private AutoSync engine(IrTester t, String author) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", IrTester.EMPTY_HOME.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("IR_AUTHOR", author);
        Session s = new Session(clock, env, null, w -> {
        }, Duration.ofSeconds(10), -1);
        AutoSync e = AutoSync.tryOwn(Workspace.at(t.dir()), s);
        assertThat(e).as("engine of " + t.dir()).isNotNull();
        engines.add(e);
        return e;
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(AutoSync::close);
    }

    private static ObjectId ref(Path repo, String name) throws Exception {
        try (Git git = Git.open(repo.toFile())) {
            return git.getRepository().resolve(name);
        }
    }

    private static List<String> texts(IrTester t, String id) {
        return IrTester.timelineTexts(t.yaml(id));
    }

    @Test
    void pushesAfterACommitAndAnotherClonesEngineMergesIt() throws Exception {
        twoClones();
        IrTester.ok(a.run("log", "rolled back the deploy"));
        AutoSync ea = engine(a, IrTester.ALICE);
        AutoSync eb = engine(b, BOB);
        // within the debounce: not yet
        clock.now = IrTester.T0.plusMillis(500);
        assertThat(ea.step()).isEqualTo(IrTester.T0.plusSeconds(1));
        assertThat(ref(bare, "refs/heads/main")).isNotEqualTo(ref(a.dir(), "HEAD"));
        clock.now = IrTester.T0.plusSeconds(2);
        Instant next = ea.step();
        assertThat(ref(bare, "refs/heads/main")).isEqualTo(ref(a.dir(), "HEAD"));
        // the workspace is active (open incident, used just now): it fetches again after the interval
        assertThat(next).isEqualTo(clock.now.plusSeconds(3));
        eb.step();
        assertThat(texts(b, id)).contains("rolled back the deploy");
        assertThat(ref(b.dir(), "HEAD")).isEqualTo(ref(a.dir(), "HEAD"));
        assertThat(b.clean()).isTrue();
        Freshness f = new GitIncidentStore(Workspace.at(b.dir()), Session.of(clock, null, Duration.ofSeconds(1)))
                .freshness();
        assertThat(f.describe(clock.now.plusSeconds(8), ZoneOffset.UTC)).isEqualTo("synced 8 s ago");
    }

    @Test
    void backsOffWhileTheRemoteIsGoneAndLosesNothingWhenItComesBack() throws Exception {
        twoClones();
        AutoSync ea = engine(a, IrTester.ALICE);
        Path away = tmp.resolve("remote-away.git");
        Files.move(bare, away);
        IrTester.ok(a.run("log", "first while offline"));
        IrTester.ok(a.run("log", "second while offline"));
        Instant next = ea.step();
        AutoSync.State st = AutoSync.State.read(Workspace.at(a.dir()).stateDir());
        assertThat(st.failures()).isEqualTo(1);
        assertThat(st.offlineSince()).isEqualTo(clock.now);
        assertThat(next).isEqualTo(clock.now.plusSeconds(1));
        clock.advance(Duration.ofMillis(500));
        assertThat(ea.step()).as("no attempt before the backoff").isEqualTo(clock.now.plusMillis(500));
        assertThat(AutoSync.State.read(Workspace.at(a.dir()).stateDir()).failures()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(ea.step()).isEqualTo(clock.now.plusSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(ea.step()).isEqualTo(clock.now.plusSeconds(4));
        assertThat(AutoSync.State.read(Workspace.at(a.dir()).stateDir()).failures()).isEqualTo(3);
        IrTester.Result list = a.at(clock.now).run("list");
        assertThat(list.err()).contains("offline since 10:00 (2 entries not pushed)");
        // a command never waits for the engine: nothing was reported as a problem
        assertThat(list.err()).doesNotContain("warning");

        Files.move(away, bare);
        clock.advance(Duration.ofSeconds(4));
        ea.step();
        st = AutoSync.State.read(Workspace.at(a.dir()).stateDir());
        assertThat(st.failures()).isZero();
        assertThat(st.offlineSince()).isNull();
        assertThat(st.lastSync()).isEqualTo(clock.now);
        assertThat(ref(bare, "refs/heads/main")).isEqualTo(ref(a.dir(), "HEAD"));
        AutoSync eb = engine(b, BOB);
        eb.step();
        assertThat(texts(b, id)).contains("first while offline", "second while offline");
    }

    @Test
    void aMergeThatNeedsAPersonIsReportedOnceAndNotRetriedUntilHeadMoves() throws Exception {
        twoClones();
        // both sides change the same line of a file that is not an incident: git's own rules, a conflict
        Files.writeString(b.dir().resolve("notes.txt"), "bob's line\n");
        commitByHand(b.dir(), "notes.txt", "Bob's notes");
        IrTester.ok(b.run("sync"));
        Files.writeString(a.dir().resolve("notes.txt"), "alice's line\n");
        commitByHand(a.dir(), "notes.txt", "Alice's notes");
        AutoSync ea = engine(a, IrTester.ALICE);
        assertThat(ea.step()).as("a problem waits for a person").isNull();
        AutoSync.State st = AutoSync.State.read(Workspace.at(a.dir()).stateDir());
        assertThat(st.problem()).startsWith("auto-sync stopped: cannot merge");
        IrTester.Result first = a.run("list");
        assertThat(first.err()).contains("ir: warning: auto-sync stopped: cannot merge");
        assertThat(first.err().lines().filter(l -> l.contains("auto-sync")).count()).isEqualTo(1);
        assertThat(a.run("list").err()).doesNotContain("auto-sync stopped");
        clock.advance(Duration.ofMinutes(5));
        assertThat(ea.step()).isNull();
        assertThat(a.run("list").err()).doesNotContain("auto-sync stopped");
        // the freshness says what waits
        assertThat(a.run("sync", "--auto").out()).contains("auto-sync stopped: cannot merge");
        // the person resolves it as git would: HEAD moves, the engine works again and the problem is gone
        try (Git git = Git.open(a.dir().toFile())) {
            git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef("HEAD~1").call();
        }
        clock.advance(Duration.ofSeconds(1));
        ea.step();
        assertThat(AutoSync.State.read(Workspace.at(a.dir()).stateDir()).problem()).isNull();
        assertThat(ref(a.dir(), "HEAD")).isEqualTo(ref(bare, "refs/heads/main"));
    }

    @Test
    void aCommitIrDidNotMakeIsHeldAndReportedOnce() throws Exception {
        twoClones();
        ObjectId before = ref(bare, "refs/heads/main");
        Files.writeString(a.dir().resolve("notes.txt"), "mine\n");
        commitByHand(a.dir(), "notes.txt", "My own notes");
        AutoSync ea = engine(a, IrTester.ALICE);
        ea.step();
        assertThat(ref(bare, "refs/heads/main")).isEqualTo(before);
        IrTester.Result r = a.run("list");
        assertThat(r.err()).contains("ir: warning: auto-sync holds 1 commit not made by ir: push it with 'ir sync' "
                + "or 'git push'");
        assertThat(a.run("list").err()).doesNotContain("auto-sync holds");
        // no retry loop while HEAD stays: the engine has nothing to push
        clock.advance(Duration.ofSeconds(10));
        assertThat(ea.hasWork()).isTrue(); // the open incident, used lately, is still fetched
        ea.step();
        assertThat(ref(bare, "refs/heads/main")).isEqualTo(before);
        // an ir entry on top does not carry the user's commit out either
        IrTester.ok(a.at(clock.now).run("log", "entry after my commit"));
        clock.advance(Duration.ofSeconds(2));
        ea.step();
        assertThat(ref(bare, "refs/heads/main")).isEqualTo(before);
        // ir sync pushes it, as it always did
        IrTester.ok(a.run("sync"));
        assertThat(ref(bare, "refs/heads/main")).isEqualTo(ref(a.dir(), "HEAD"));
    }

    @Test
    void autoOffStopsTheEngineAndTheDefaultFollowsTheUpstream() throws Exception {
        twoClones();
        assertThat(a.run("sync", "--auto").out()).startsWith("auto-sync on (the default for a clone that synced)");
        assertThat(b.run("sync", "--auto").out()).startsWith("auto-sync on (the default for a clone that synced)");
        IrTester.ok(a.run("sync", "--auto", "off"));
        assertThat(a.run("sync", "--auto").out()).startsWith("auto-sync off (set with 'ir sync --auto off')");
        IrTester.ok(a.run("log", "not pushed by auto-sync"));
        AutoSync ea = engine(a, IrTester.ALICE);
        clock.advance(Duration.ofSeconds(5));
        assertThat(ea.step()).isNull();
        assertThat(ref(bare, "refs/heads/main")).isNotEqualTo(ref(a.dir(), "HEAD"));
        assertThat(a.at(clock.now).run("list").err()).contains("(1 entry not pushed), auto-sync off");
        IrTester.ok(a.run("sync", "--auto", "on"));
        clock.advance(Duration.ofSeconds(5));
        ea.step();
        assertThat(ref(bare, "refs/heads/main")).isEqualTo(ref(a.dir(), "HEAD"));
        a.assertRefused(2, "ir: --auto takes on or off", "sync", "--auto", "maybe");

        IrTester lone = IrTester.workspace(tmp.resolve("lone"));
        assertThat(lone.run("sync", "--auto").out()).isEqualTo("auto-sync off (no upstream yet: run 'ir sync' once)\n");
        // without a remote, list prints what it always printed
        assertThat(lone.run("list").err()).doesNotContain("sync");
    }

    @Test
    void showAndListSayHowFreshTheViewIs() {
        twoClones();
        IrTester.Result show = a.advance(Duration.ofSeconds(8)).run("show");
        assertThat(show.err()).contains("synced 8 s ago");
        assertThat(a.run("list").err()).endsWith("synced 8 s ago\n");
        var sync = a.run("show", "--json").json().path("sync");
        assertThat(sync.path("text").asText()).isEqualTo("synced 8 s ago");
        assertThat(sync.path("auto").asBoolean()).isTrue();
        assertThat(sync.path("unpushed").asInt()).isZero();
    }

    @Test
    void aLongLivedProcessNudgesTheEngineAfterACommandOnItsOwnThread() throws Exception {
        twoClones();
        try (Backends kept = Backends.kept()) {
            a.backends(kept).env("IR_AUTOSYNC_DEBOUNCE_MS", "0").env("IR_AUTOSYNC_INTERVAL_MS", "600000");
            IrTester.ok(a.run("log", "logged through the background process"));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!ref(a.dir(), "HEAD").equals(ref(bare, "refs/heads/main")) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(ref(bare, "refs/heads/main")).isEqualTo(ref(a.dir(), "HEAD"));
            // the workspace is active: the process stays up for it
            assertThat(kept.hasWork()).isTrue();
            // while the host owns it, nobody else does
            assertThat(AutoSync.owned(Workspace.at(a.dir()))).isTrue();
        }
        assertThat(AutoSync.owned(Workspace.at(a.dir()))).as("released on close").isFalse();
    }

    @Test
    void keepSyncedOwnsTheEngineWhileOpen() throws Exception {
        twoClones();
        IrTester.ok(a.run("log", "kept synced"));
        Map<String, String> env = new HashMap<>();
        env.put("HOME", IrTester.EMPTY_HOME.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("IR_AUTOSYNC_DEBOUNCE_MS", "0");
        Session s = new Session(Clock.systemUTC(), env, IrTester.ALICE, w -> {
        }, Duration.ofSeconds(10), -1);
        try (GitIncidentStore store = new GitIncidentStore(Workspace.at(a.dir()), s)) {
            AutoCloseable handle = store.keepSynced();
            try {
                assertThat(AutoSync.owned(Workspace.at(a.dir()))).isTrue();
                try (GitIncidentStore other = new GitIncidentStore(Workspace.at(a.dir()), s)) {
                    other.keepSynced().close(); // a second one is a no-op
                }
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!ref(a.dir(), "HEAD").equals(ref(bare, "refs/heads/main")) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(ref(bare, "refs/heads/main")).isEqualTo(ref(a.dir(), "HEAD"));
            } finally {
                handle.close();
            }
            assertThat(AutoSync.owned(Workspace.at(a.dir()))).isFalse();
        }
    }

    private static void commitByHand(Path dir, String file, String message) throws Exception {
        try (Git git = Git.open(dir.toFile())) {
            git.add().addFilepattern(file).call();
            PersonIdent who = new PersonIdent(new PersonIdent("Someone", "someone@example.com"),
                    java.util.Date.from(IrTester.T0));
            git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
        }
    }
}
