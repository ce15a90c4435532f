package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of the one transaction every change goes through (lock → recover → load → apply → write → commit),
 * against real repositories: a crash at each step, a failing commit, a failing index write, concurrent writers, and
 * who is credited for a recovery.
 */
class TransactionContractTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String BOB = "Bob Builder <bob@example.com>";

    @TempDir
    Path tmp;

    private static JsonNode committed(Path repo, String id) {
        return IrTester.plainDir(repo).committedYaml(id);
    }

    private static List<String> texts(JsonNode incident) {
        return IrTester.timelineTexts(incident);
    }

    private static ObjectId head(Path repo) throws IOException {
        try (Git git = Git.open(repo.toFile())) {
            return git.getRepository().resolve("HEAD");
        }
    }

    private static RevCommit headCommit(Path repo) throws IOException {
        try (Git git = Git.open(repo.toFile())) {
            Repository r = git.getRepository();
            return r.parseCommit(r.resolve("HEAD"));
        }
    }

    /** {@code ir log} in a process of its own with a fault at {@code step}; returns its exit code. */
    private static int logWithFault(IrTester t, String id, String text, String fault) throws Exception {
        List<String> cmd = new ArrayList<>(Clones.irCommand());
        cmd.add(cmd.size() - 1, "-Dir.test.fault=" + fault);
        cmd.addAll(List.of("-C", t.dir().toString(), "log", "-i", id, text));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("IR_AUTHOR", BOB);
        pb.environment().put("HOME", t.dir().getParent().toString());
        pb.environment().put("IR_DAEMON", "0");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    /** Runs {@code command} in this process with the step {@code step} failing as a full disk would. */
    private static IrTester.Result runFailingAt(String step, java.util.function.Supplier<IrTester.Result> command) {
        System.setProperty("ir.test.fault", step + ":fail");
        try {
            return command.get();
        } finally {
            System.clearProperty("ir.test.fault");
        }
    }

    private static void assertHealthy(IrTester t) throws Exception {
        assertThat(t.clean()).as("git status is clean").isTrue();
        assertThat(t.dir().resolve(".git/index.lock")).doesNotExist();
        assertThat(t.dir().resolve(".git/refs/heads/main.lock")).doesNotExist();
        assertThat(t.dir().resolve(".git/ir/journal")).doesNotExist();
        if (Clones.gitInstalled(t.dir().getParent())) {
            Clones.Proc fsck = Clones.run(t.dir(), Map.of(), "git", "fsck", "--strict", "--no-dangling");
            assertThat(fsck.exit()).as(fsck.output()).isZero();
            Clones.Proc status = Clones.run(t.dir(), Map.of(), "git", "status", "--porcelain");
            assertThat(status.exit()).as(status.output()).isZero();
            assertThat(status.output().strip()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Faults.OBJECTS, Faults.JOURNALED})
    void aCrashBeforeTheBranchMovesLosesNothingAcceptedAndTheNextCommandIsClean(String step) throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Crash before the branch moves");
        ObjectId before = head(t.dir());

        assertThat(logWithFault(t, id, "never accepted", step + ":crash")).isEqualTo(137);
        assertThat(head(t.dir())).isEqualTo(before);

        IrTester.Result r = t.run("log", "-i", id, "after the crash");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(texts(committed(t.dir(), id))).contains("after the crash").doesNotContain("never accepted");
        assertThat(t.commits()).hasSize(3);
        assertHealthy(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {Faults.MOVED, Faults.FILES})
    void aCrashAfterTheBranchMovedIsFinishedByTheNextCommand(String step) throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Crash after the branch moved");

        assertThat(logWithFault(t, id, "accepted then killed", step + ":crash")).isEqualTo(137);
        // The commit is made; the work tree or the index lag behind, and git's index is still locked by the dead
        // process, which the journal proves.
        assertThat(texts(committed(t.dir(), id))).contains("accepted then killed");
        assertThat(headCommit(t.dir()).getAuthorIdent().getName()).isEqualTo("Bob Builder");
        assertThat(t.dir().resolve(".git/ir/journal")).exists();
        assertThat(t.dir().resolve(".git/index.lock")).exists();

        IrTester.Result r = t.run("log", "-i", id, "after the crash");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("left by an interrupted ir command").contains("finished commit");
        assertThat(texts(committed(t.dir(), id))).contains("accepted then killed", "after the crash");
        assertThat(t.commits()).as("no recovery commit: the entry was committed by its author").hasSize(4);
        assertThat(texts(t.yaml(id))).contains("accepted then killed", "after the crash");
        assertHealthy(t);
    }

    @Test
    void aCrashHoldingGitsIndexLockBeforeRecordingItIsReportedNotRemoved() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Crash holding the lock");
        ObjectId before = head(t.dir());
        assertThat(logWithFault(t, id, "never accepted", Faults.LOCKED + ":crash")).isEqualTo(137);
        Path lock = t.dir().resolve(".git/index.lock");
        assertThat(lock).exists();
        t.env("IR_LOCK_TIMEOUT", "1");

        // Nothing proves whose lock it is: it is left alone, with what to do.
        IrTester.Result r = t.assertRefused(4, "ir: git's index is locked by another program", "log", "-i", id,
                "blocked");
        assertThat(r.err()).contains("index.lock").contains("remove that file");
        assertThat(lock).exists();
        assertThat(head(t.dir())).isEqualTo(before);

        Files.delete(lock);
        assertThat(t.run("log", "-i", id, "after removing it").exit()).isZero();
        assertHealthy(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {Faults.OBJECTS, Faults.LOCKED, Faults.JOURNALED})
    void aCommitThatFailsLeavesTheWorkTreeIndexAndJournalExactlyAsBefore(String step) throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Failing commit");
        byte[] file = Files.readAllBytes(t.incidentFile(id));
        byte[] index = Files.readAllBytes(t.dir().resolve(".git/index"));
        ObjectId before = head(t.dir());

        IrTester.Result r = runFailingAt(step, () -> t.run("log", "-i", id, "not accepted"));

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("ir: ").contains("nothing was changed");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(head(t.dir())).isEqualTo(before);
        assertThat(Files.readAllBytes(t.incidentFile(id))).isEqualTo(file);
        assertThat(Files.readAllBytes(t.dir().resolve(".git/index"))).isEqualTo(index);
        assertHealthy(t);
    }

    @Test
    void aBranchMovedByAnotherProgramFailsTheCommitAndChangesNothing() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Ref locked");
        byte[] file = Files.readAllBytes(t.incidentFile(id));
        Path refLock = t.dir().resolve(".git/refs/heads/main.lock");
        Files.writeString(refLock, "0".repeat(40) + "\n");
        ObjectId before = head(t.dir());

        IrTester.Result r = t.run("log", "-i", id, "not accepted");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("git refused to move main").contains("nothing was changed");
        assertThat(head(t.dir())).isEqualTo(before);
        assertThat(Files.readAllBytes(t.incidentFile(id))).isEqualTo(file);
        assertThat(refLock).as("another program's lock is never removed").exists();
        assertThat(t.dir().resolve(".git/ir/journal")).doesNotExist();
    }

    @Test
    void anIndexWriteThatFailsAfterTheCommitIsRepairedNotRolledBack() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Index write fails");

        IrTester.Result r = runFailingAt(Faults.FILES, () -> t.run("log", "-i", id, "accepted"));

        assertThat(r.exit()).as("the entry is committed: the command succeeded\n" + r).isZero();
        assertThat(r.err()).contains("the next ir command finishes it");
        assertThat(texts(committed(t.dir(), id))).contains("accepted");
        assertThat(texts(t.yaml(id))).contains("accepted");

        IrTester.Result next = t.run("show", "-i", id);
        assertThat(next.exit()).isZero();
        assertThat(t.run("log", "-i", id, "next").exit()).isZero();
        assertThat(texts(committed(t.dir(), id))).contains("accepted", "next");
        assertHealthy(t);
    }

    @Test
    void aLiveGitsIndexLockIsNeverRemovedByRecovery() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Live git");
        ObjectId before = head(t.dir());
        // A journal left by a crash days ago, and a running git (an IDE's git status) holding the index now.
        Files.writeString(t.dir().resolve(".git/ir/journal"), "ir journal 2\npid 999999999\nnonce 1\n"
                + "index-lock (dev=1,ino=1)\nref refs/heads/main\ncommit " + "1".repeat(40) + "\nparent "
                + before.name() + "\n", StandardCharsets.UTF_8);
        Path lock = t.dir().resolve(".git/index.lock");
        Files.write(lock, new byte[0]);
        t.env("IR_LOCK_TIMEOUT", "1");

        IrTester.Result r = t.run("log", "-i", id, "while git runs");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).startsWith("ir: git's index is locked by another program");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(lock).exists();
        assertThat(head(t.dir())).isEqualTo(before);

        Files.delete(lock); // the git command finished
        assertThat(t.run("log", "-i", id, "after git finished").exit()).isZero();
        assertThat(texts(committed(t.dir(), id))).contains("after git finished");
        assertHealthy(t);
    }

    /**
     * What an older ir left when killed between writing the file and committing it: Bob's entry in the file, not in
     * HEAD, and {@code .git/ir/pending} naming the file. Alice runs the next command.
     */
    private static void leaveBobsEntryAsAnOlderIrWould(IrTester t, String id) throws Exception {
        t.env("IR_AUTHOR", BOB);
        assertThat(t.run("log", "-i", id, "Bob's entry").exit()).isZero();
        byte[] bobs = Files.readAllBytes(t.incidentFile(id));
        try (Git git = Git.open(t.dir().toFile())) {
            git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.MIXED).setRef("HEAD~1").call();
        }
        Files.write(t.incidentFile(id), bobs);
        Files.writeString(t.dir().resolve(".git/ir/pending"), "incidents/" + id + ".yaml\n");
        t.env("IR_AUTHOR", IrTester.ALICE);
    }

    @Test
    void aRecoveryCommitIsAuthoredByThePersonWhoseEntryItIsAndSaysItIsARecovery() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Left by an older ir");
        leaveBobsEntryAsAnOlderIrWould(t, id);

        IrTester.Result r = t.run("log", "-i", id, "Alice's entry");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("left uncommitted by an interrupted command").contains("as " + BOB);
        List<RevCommit> commits = t.commits();
        RevCommit recovery = commits.get(1);
        assertThat(recovery.getFullMessage()).contains("recover").contains("Ir-Event: recovery")
                .contains("Recovered-By: Alice Responder <alice@example.com>");
        assertThat(recovery.getAuthorIdent().getName()).isEqualTo("Bob Builder");
        assertThat(recovery.getCommitterIdent().getName()).isEqualTo("Alice Responder");
        assertThat(commits.get(0).getAuthorIdent().getName()).isEqualTo("Alice Responder");
        assertThat(texts(committed(t.dir(), id))).contains("Bob's entry", "Alice's entry");
        assertThat(t.dir().resolve(".git/ir/pending")).doesNotExist();
        assertHealthy(t);
    }

    @Test
    void everyMutatingCommandRecoversFirstPostmortemIncluded() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Recovered before the post-mortem");
        leaveBobsEntryAsAnOlderIrWould(t, id);

        IrTester.Result r = t.run("postmortem", "-i", id);

        assertThat(r.exit()).as(r.toString()).isZero();
        List<RevCommit> commits = t.commits();
        assertThat(commits.get(1).getFullMessage()).contains("Ir-Event: recovery");
        assertThat(commits.get(1).getAuthorIdent().getName()).isEqualTo("Bob Builder");
        assertThat(commits.get(0).getFullMessage()).doesNotContain("Ir-Event: recovery");
        assertThat(commits.get(0).getAuthorIdent().getName()).isEqualTo("Alice Responder");
        assertThat(t.dir().resolve(".git/ir/pending")).doesNotExist();
        assertHealthy(t);
    }

    @Test
    void concurrentWritersInOneProcessSerialiseAndLoseNothing() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Many writers");
        int before = t.commits().size();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        try (Backends kept = Backends.kept()) {
            for (int w = 0; w < 4; w++) {
                int writer = w;
                // two threads share a kept backend, two open their own: both must serialise
                Backends backends = writer % 2 == 0 ? kept : Backends.oneShot();
                threads.add(new Thread(() -> {
                    for (int k = 0; k < 5; k++) {
                        try (IncidentStore store = backends.open(Workspace.at(t.dir()),
                                Session.of(t.clock(), IrTester.ALICE, java.time.Duration.ofSeconds(30)))) {
                            String text = "writer " + writer + " entry " + k;
                            store.update(id, i -> new ir.model.Change(i.withEvent(new ir.model.TimelineEvent(
                                    ir.model.IncidentIds.eventId(), t.now(), IrTester.ALICE, "note", text, false,
                                    Map.of())), "log note: " + text, "note"));
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread th : threads) {
                th.join(120_000);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(t.commits()).hasSize(before + 20);
        List<String> committed = texts(committed(t.dir(), id));
        for (int w = 0; w < 4; w++) {
            for (int k = 0; k < 5; k++) {
                assertThat(committed).contains("writer " + w + " entry " + k);
            }
        }
        assertHealthy(t);
    }

    @Test
    void anExecutableIncidentFileKeepsItsCommittedMode() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Executable bit");
        String path = "incidents/" + id + ".yaml";
        try (Git git = Git.open(t.dir().toFile())) {
            var dc = git.getRepository().lockDirCache();
            dc.getEntry(path).setFileMode(org.eclipse.jgit.lib.FileMode.EXECUTABLE_FILE);
            dc.write();
            dc.commit();
            git.commit().setMessage("make it executable").setAuthor("A", "a@x").setCommitter("A", "a@x").call();
        }
        t.incidentFile(id).toFile().setExecutable(true);

        assertThat(t.run("log", "-i", id, "mode kept").exit()).isZero();

        try (Git git = Git.open(t.dir().toFile())) {
            Repository r = git.getRepository();
            try (TreeWalk tw = TreeWalk.forPath(r, path, r.parseCommit(r.resolve("HEAD")).getTree())) {
                assertThat(tw.getFileMode(0)).isEqualTo(org.eclipse.jgit.lib.FileMode.EXECUTABLE_FILE);
            }
        }
        assertThat(Files.isExecutable(t.incidentFile(id))).isTrue();
        assertHealthy(t);
    }
}
