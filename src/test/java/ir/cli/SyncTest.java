package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.model.TimelineEvent;
import ir.testing.Clones;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SyncTest {
    private static final String BOB = "Bob Builder <bob@example.com>";
    private static final String CAROL = "Carol Oncall <carol@example.com>";

    @TempDir
    Path tmp;

    private Path bare;
    private IrTester a;
    private IrTester b;
    private IrTester c;
    private String id;

    /** A bare remote, clone a (with the workspace and one incident), clones b and c of it. */
    private void threeClones() {
        bare = Clones.bare(tmp.resolve("remote.git"));
        a = Clones.first(tmp.resolve("a"), bare);
        id = a.open("Checkout latency spike", "--severity", "SEV-2");
        assertThat(a.run("sync").exit()).isZero();
        b = Clones.clone(bare, tmp.resolve("b"), BOB);
        c = Clones.clone(bare, tmp.resolve("c"), CAROL);
        assertThat(b.run("use", id).exit()).isZero();
        assertThat(c.run("use", id).exit()).isZero();
    }

    private static void sync(IrTester t) {
        IrTester.Result r = t.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    /** Everyone ends on the same commit: two rounds, so the last merge reaches the first clone. */
    private void syncAll() {
        for (int round = 0; round < 2; round++) {
            for (IrTester t : List.of(a, b, c)) {
                sync(t);
            }
        }
    }

    private void assertConverged() throws Exception {
        byte[] first = Clones.bytes(a.incidentFile(id));
        ObjectId head = head(a.dir());
        for (IrTester t : List.of(a, b, c)) {
            assertThat(Clones.bytes(t.incidentFile(id))).as("incident file in " + t.dir()).isEqualTo(first);
            assertThat(head(t.dir())).isEqualTo(head);
            assertThat(t.clean()).as("clean work tree in " + t.dir()).isTrue();
            assertNoConflictMarkers(t.dir());
            fsck(t.dir());
        }
        assertThat(head(bare)).isEqualTo(head);
        fsck(bare);
    }

    private static ObjectId head(Path repo) throws IOException {
        try (Git git = Git.open(repo.toFile())) {
            return git.getRepository().resolve("refs/heads/main");
        }
    }

    private static void assertNoConflictMarkers(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("incidents"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String s = Files.readString(f, StandardCharsets.UTF_8);
                assertThat(s).as(f.toString()).doesNotContain("<<<<<<<").doesNotContain(">>>>>>>");
            }
        }
    }

    /** {@code git fsck --strict} when git is installed, else JGit's own object check by reading every object. */
    private static void fsck(Path repo) throws Exception {
        if (Clones.gitInstalled(repo)) {
            Clones.Proc p = Clones.run(repo, Map.of(), "git", "fsck", "--strict", "--no-dangling");
            assertThat(p.exit()).as(p.output()).isZero();
            assertThat(p.output()).doesNotContain("error").doesNotContain("missing");
        } else {
            try (Git git = Git.open(repo.toFile())) {
                git.log().all().call().forEach(x -> { });
            }
        }
    }

    private static List<String> texts(JsonNode incident) {
        List<String> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> out.add(e.path("text").asText()));
        return out;
    }

    @Test
    void threeClonesLoggingFiftyEventsEachWithRandomSyncsEndIdenticalWithAllEvents() throws Exception {
        threeClones();
        List<IrTester> clones = List.of(a, b, c);
        int[] logged = new int[3];
        Random random = new Random(20261128);
        var now = a.now();
        while (logged[0] + logged[1] + logged[2] < 150) {
            now = now.plusSeconds(1 + random.nextInt(20));
            int k = random.nextInt(3);
            IrTester t = clones.get(k).at(now);
            if (random.nextInt(5) == 0) {
                sync(t);
            } else if (logged[k] < 50) {
                IrTester.Result r = t.run("log", "clone " + k + " event " + logged[k]);
                assertThat(r.exit()).as(r.toString()).isZero();
                logged[k]++;
            }
        }
        syncAll();
        assertConverged();
        JsonNode incident = a.yaml(id);
        List<String> texts = texts(incident);
        for (int k = 0; k < 3; k++) {
            for (int n = 0; n < 50; n++) {
                assertThat(texts).contains("clone " + k + " event " + n);
            }
        }
        Set<String> ids = new HashSet<>();
        incident.get("timeline").forEach(e -> ids.add(e.get("id").asText()));
        assertThat(ids).hasSize(incident.get("timeline").size());
        assertThat(incident.get("timeline").size()).isEqualTo(151);
    }

    @Test
    void concurrentSeverityGoesToTheMoreSevereRoleToTheLaterAndTheLosersAreInMergeEventsDatedAtTheSync() throws Exception {
        threeClones();
        var t0 = a.now();
        Clones.severity(a.at(t0.plus(Duration.ofMinutes(5))), id, "SEV-1");
        Clones.severity(b.at(t0.plus(Duration.ofMinutes(6))), id, "SEV-4");
        Clones.role(c.at(t0.plus(Duration.ofMinutes(7))), id, "commander", CAROL);
        Clones.role(b.at(t0.plus(Duration.ofMinutes(9))), id, "commander", BOB);
        a.at(t0.plus(Duration.ofMinutes(10)));
        b.at(t0.plus(Duration.ofMinutes(10)));
        c.at(t0.plus(Duration.ofMinutes(10)));
        syncAll();
        assertConverged();
        JsonNode incident = c.yaml(id);
        // SEV-4 was the later change, but for severity the safe answer is the more severe one
        assertThat(incident.get("severity").asText()).isEqualTo("SEV-1");
        assertThat(incident.get("roles").get("commander").asText()).isEqualTo(BOB);
        List<JsonNode> merges = new ArrayList<>();
        incident.get("timeline").forEach(e -> {
            if (e.get("type").asText().equals(TimelineEvent.MERGE)) {
                merges.add(e);
            }
        });
        assertThat(merges).anySatisfy(e -> {
            assertThat(e.get("field").asText()).isEqualTo("severity");
            assertThat(e.get("kept").asText()).isEqualTo("SEV-1");
            assertThat(e.get("lost").asText()).isEqualTo("SEV-4");
        });
        // dated when the clones' values met (the syncing session's clock), not at the last change (minute 9)
        assertThat(merges).allSatisfy(e -> assertThat(Instant.parse(e.get("at").asText()))
                .isEqualTo(t0.plus(Duration.ofMinutes(10))));
        assertThat(merges).anySatisfy(e -> {
            assertThat(e.get("field").asText()).isEqualTo("roles.commander");
            assertThat(e.get("lost").asText()).isEqualTo(CAROL);
        });
    }

    @Test
    void actionItemsAddedInThreeClonesComeOutInTheOrderTheyWereAddedInEveryClone() throws Exception {
        threeClones();
        var t0 = a.now();
        for (String text : List.of("first in a", "second in a")) {
            IrTester.Result r = a.at(t0.plus(Duration.ofMinutes(1))).run("action", "add", text);
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        assertThat(b.at(t0.plus(Duration.ofMinutes(2))).run("action", "add", "in b").exit()).isZero();
        // the same second as a's two, added after them
        assertThat(c.at(t0.plus(Duration.ofMinutes(1))).run("action", "add", "in c").exit()).isZero();
        for (IrTester t : List.of(a, b, c)) {
            t.at(t0.plus(Duration.ofMinutes(10)));
        }
        syncAll();
        assertConverged();
        List<String> order = new ArrayList<>();
        c.yaml(id).get("actions").forEach(x -> order.add(x.get("text").asText()));
        assertThat(order).containsExactly("first in a", "second in a", "in c", "in b");
    }

    @Test
    void theSameIdDeclaredInTwoClonesBecomesOneIncidentWithBothDeclarations() throws Exception {
        threeClones();
        String same = "2026-11-28-dns-outage";
        assertThat(a.run("open", "DNS outage", "--id", same).exit()).isZero();
        assertThat(b.advance(Duration.ofMinutes(1)).run("open", "DNS resolution failing", "--id", same).exit())
                .isZero();
        sync(a);
        IrTester.Result r = b.run("sync");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("declared in two clones");
        JsonNode incident = b.yaml(same);
        List<String> types = new ArrayList<>();
        incident.get("timeline").forEach(e -> types.add(e.get("type").asText()));
        assertThat(types.stream().filter(TimelineEvent.DECLARED::equals)).hasSize(2);
        assertThat(incident.get("title").asText()).isEqualTo("DNS resolution failing");
    }

    @Test
    void otherFilesMergeAsGitWouldAndAConflictStopsWithExit4ChangingNothing() throws Exception {
        threeClones();
        commitFile(a.dir(), "README.md", "line 1\nline 2\nline 3\n");
        sync(a);
        sync(b);
        commitFile(a.dir(), "README.md", "line 1 from a\nline 2\nline 3\n");
        commitFile(b.dir(), "README.md", "line 1\nline 2\nline 3 from b\n");
        sync(a);
        sync(b);
        assertThat(b.read("README.md")).isEqualTo("line 1 from a\nline 2\nline 3 from b\n");

        commitFile(a.dir(), "README.md", "line 1 by a again\nline 2\nline 3 from b\n");
        sync(a);
        commitFile(b.dir(), "README.md", "line 1 by b\nline 2\nline 3 from b\n");
        assertThat(b.run("log", "b keeps logging").exit()).isZero();
        ObjectId before = head(b.dir());
        String file = Files.readString(b.incidentFile(id));
        IrTester.Result r = b.run("sync");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).startsWith("ir: cannot merge origin/main: both sides changed README.md")
                .contains("nothing was changed").contains("git pull");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(head(b.dir())).isEqualTo(before);
        assertThat(b.read("README.md")).isEqualTo("line 1 by b\nline 2\nline 3 from b\n");
        assertThat(Files.readString(b.incidentFile(id))).isEqualTo(file);
        assertThat(b.clean()).isTrue();
    }

    @Test
    void aFailedSyncAlsoTakesBackTheGitattributesLineItCommitted() throws Exception {
        threeClones();
        commitFile(a.dir(), "README.md", "line 1\n");
        sync(a);
        sync(b);
        commitFile(a.dir(), "README.md", "line 1 by a\n");
        sync(a);
        commitFile(b.dir(), "README.md", "line 1 by b\n");
        commitFile(b.dir(), ".gitattributes", "*.png binary\n");
        Files.writeString(b.dir().resolve(".gitattributes"), "*.png binary\n*.jpg binary\n");
        ObjectId before = head(b.dir());

        IrTester.Result r = b.run("sync");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).startsWith("ir: cannot merge origin/main: both sides changed README.md")
                .contains("nothing was changed");
        assertThat(head(b.dir())).isEqualTo(before);
        // The work tree keeps the uncommitted edit it had; the index is back to HEAD's.
        assertThat(b.read(".gitattributes")).isEqualTo("*.png binary\n*.jpg binary\n");
        try (Git git = Git.open(b.dir().toFile())) {
            var status = git.status().call();
            assertThat(status.getModified()).containsExactly(".gitattributes");
            assertThat(status.getChanged()).isEmpty();
            assertThat(status.getAdded()).isEmpty();
        }
    }

    @Test
    void syncRefusesAnUnknownRemoteAndChangesNothing() throws Exception {
        a = IrTester.workspace(tmp.resolve("solo"));
        ObjectId before = head(a.dir());
        IrTester.Result r = a.run("sync", "upstream");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: no git remote named 'upstream'");
        assertThat(head(a.dir())).isEqualTo(before);
    }

    @Test
    void syncWorksWithAPathAsTheRemote() throws Exception {
        bare = Clones.bare(tmp.resolve("remote.git"));
        a = IrTester.workspace(tmp.resolve("a"));
        id = a.open("Disk full");
        IrTester.Result r = a.run("sync", bare.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(head(bare)).isEqualTo(head(a.dir()));
        assertThat(a.run("sync", bare.toString()).err()).contains("Already in sync");
    }

    @Test
    void initRegistersTheMergeDriverInTheClonesOwnConfig() throws Exception {
        a = IrTester.workspace(tmp.resolve("w"));
        try (Git git = Git.open(a.dir().toFile())) {
            var config = git.getRepository().getConfig();
            assertThat(config.getString("merge", "ir", "driver")).isEqualTo("ir merge-file %O %A %B %P");
            assertThat(config.getString("merge", "ir", "name")).isNotBlank();
        }
        assertThat(a.read(".gitattributes")).contains("incidents/*.yaml merge=ir");
    }

    @Test
    void gitPullWithTheRegisteredDriverMergesConcurrentLogsWithoutConflict() throws Exception {
        assumeTrue(Clones.gitInstalled(tmp), "git is installed");
        bare = Clones.bare(tmp.resolve("remote.git"));
        a = Clones.first(tmp.resolve("a"), bare);
        id = a.open("Checkout latency spike");
        sync(a);
        b = Clones.clone(bare, tmp.resolve("b"), BOB);
        String driver = String.join(" ", Clones.irCommand().stream().map(SyncTest::quote).toList())
                + " merge-file %O %A %B %P";
        b.env("IR_MERGE_DRIVER", driver);
        sync(b); // the first sync registers the driver in b's config
        for (int n = 0; n < 3; n++) {
            assertThat(a.advance(Duration.ofSeconds(10)).run("log", "a event " + n).exit()).isZero();
            assertThat(b.advance(Duration.ofSeconds(7)).run("log", "-i", id, "b event " + n).exit()).isZero();
        }
        sync(a);
        Map<String, String> env = Map.of("GIT_AUTHOR_NAME", "Bob", "GIT_AUTHOR_EMAIL", "bob@example.com",
                "GIT_COMMITTER_NAME", "Bob", "GIT_COMMITTER_EMAIL", "bob@example.com");
        Clones.Proc pull = Clones.run(b.dir(), env, "git", "pull", "--no-rebase", "--no-edit", "origin", "main");
        assertThat(pull.exit()).as(pull.output()).isZero();
        assertThat(pull.output()).doesNotContain("CONFLICT");
        List<String> texts = texts(b.yaml(id));
        for (int n = 0; n < 3; n++) {
            assertThat(texts).contains("a event " + n, "b event " + n);
        }
        assertNoConflictMarkers(b.dir());
        Clones.Proc status = Clones.run(b.dir(), Map.of(), "git", "status", "--porcelain");
        assertThat(status.output()).isEmpty();
        fsck(b.dir());
    }

    @Test
    void aRemoteTreeThatWouldWriteIntoDotGitIsRefusedAndChangesNothing() throws Exception {
        bare = Clones.bare(tmp.resolve("remote.git"));
        a = Clones.first(tmp.resolve("a"), bare);
        try (Git git = Git.open(bare.toFile())) {
            var repo = git.getRepository();
            try (var ins = repo.newObjectInserter(); var rw = new org.eclipse.jgit.revwalk.RevWalk(repo);
                 var tw = new org.eclipse.jgit.treewalk.TreeWalk(repo)) {
                var head = rw.parseCommit(repo.resolve("refs/heads/main"));
                var sub = new org.eclipse.jgit.lib.TreeFormatter();
                sub.append("config", org.eclipse.jgit.lib.FileMode.REGULAR_FILE,
                        ins.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB, "[core]\n\thooksPath = /tmp\n"
                                .getBytes(StandardCharsets.UTF_8)));
                ObjectId subId = ins.insert(sub);
                var root = new org.eclipse.jgit.lib.TreeFormatter();
                root.append(".git", org.eclipse.jgit.lib.FileMode.TREE, subId);
                tw.addTree(head.getTree());
                while (tw.next()) {
                    root.append(tw.getNameString(), tw.getFileMode(0), tw.getObjectId(0));
                }
                var cb = new org.eclipse.jgit.lib.CommitBuilder();
                cb.setTreeId(ins.insert(root));
                cb.setParentId(head);
                PersonIdent evil = new PersonIdent("Mallory", "m@example.com");
                cb.setAuthor(evil);
                cb.setCommitter(evil);
                cb.setMessage("evil");
                ObjectId commit = ins.insert(cb);
                ins.flush();
                var ru = repo.updateRef("refs/heads/main");
                ru.setNewObjectId(commit);
                ru.forceUpdate();
            }
        }
        ObjectId before = head(a.dir());
        String config = a.read(".git/config");
        IrTester.Result r = a.run("sync");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("ir: refusing to check out '.git/config'").contains("nothing was changed");
        assertThat(head(a.dir())).isEqualTo(before);
        assertThat(a.read(".git/config")).isEqualTo(config);
    }

    @Test
    void syncCommitsAnIncidentChangeLeftUncommittedAndTheMissingGitattributesLineThenPushes() throws Exception {
        threeClones();
        Path attrs = a.dir().resolve(".gitattributes");
        Files.writeString(attrs, "*.png binary\n");
        commitFile(a.dir(), ".gitattributes", "*.png binary\n");
        String edited = Files.readString(a.incidentFile(id)).replace("title: Checkout latency spike",
                "title: Checkout latency spike in eu-west");
        Files.writeString(a.incidentFile(id), edited);

        IrTester.Result r = a.run("sync");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("left uncommitted by an interrupted command");
        assertThat(a.clean()).isTrue();
        assertThat(a.read(".gitattributes")).isEqualTo("*.png binary\nincidents/*.yaml merge=ir text eol=lf\n");
        sync(b);
        assertThat(b.yaml(id).get("title").asText()).isEqualTo("Checkout latency spike in eu-west");
        assertThat(head(bare)).isEqualTo(head(a.dir()));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void commitFile(Path repo, String path, String content) throws Exception {
        Files.writeString(repo.resolve(path), content);
        try (Git git = Git.open(repo.toFile())) {
            PersonIdent who = new PersonIdent("Dana", "dana@example.com");
            git.add().addFilepattern(path).call();
            git.commit().setMessage("edit " + path).setAuthor(who).setCommitter(who).call();
        }
    }
}
