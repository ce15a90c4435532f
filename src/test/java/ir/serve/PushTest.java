package ir.serve;

import ir.store.Backends;
import ir.store.GitIncidentStore;
import ir.store.IncidentStore;
import ir.store.Session;
import ir.store.Workspace;
import ir.testing.Clones;
import ir.testing.FileIntake;
import ir.testing.IrTester;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir serve --push}: commits reach the remote, and a failing sync is retried with back-off. */
class PushTest {
    @TempDir
    Path tmp;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Test
    void anAcknowledgedAlertIsCommittedAndPushedToTheRemote() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        Clones.first(tmp.resolve("clone"), bare);
        Workspace ws = Workspace.at(tmp.resolve("clone"));
        Session session = Session.of(Clock.systemUTC(), IrTester.ALICE, Duration.ofSeconds(20));
        try (Backends kept = Backends.kept(); IncidentStore store = kept.open(ws, session)) {
            Pusher pusher = new Pusher(() -> {
                try (IncidentStore own = new GitIncidentStore(ws, session)) {
                    return own.sync(null, null, null).pushed() ? "pushed" : "in sync";
                }
            }, log::add);
            Receiver r = Receiver.start(new Receiver.Settings(new InetSocketAddress("127.0.0.1", 0), null, null,
                    Duration.ofSeconds(1), 4), ws.stateDir(), new FileIntake(store), pusher, Clock.systemUTC(),
                    log::add);
            try {
                String body = "{\"group\":\"pushed\"}";
                HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + r.address().getPort() + "/alerts/json"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(resp.statusCode()).isEqualTo(202);
                String path = FileIntake.file("pushed", body.getBytes(StandardCharsets.UTF_8)).toString();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!inRemote(bare, path) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(inRemote(bare, path)).as("%s pushed; log: %s", path, log).isTrue();
            } finally {
                assertThat(r.stop(Duration.ofSeconds(20))).isTrue();
            }
        }
    }

    private static boolean inRemote(Path bare, String path) throws Exception {
        try (Git git = Git.open(bare.toFile())) {
            var repo = git.getRepository();
            var head = repo.resolve("refs/heads/main");
            if (head == null) {
                return false;
            }
            try (TreeWalk tw = TreeWalk.forPath(repo, path, repo.parseCommit(head).getTree())) {
                return tw != null;
            }
        }
    }

    @Test
    void aFailingSyncIsTriedAgainWithBackOffWithoutBlockingRequests() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Pusher pusher = new Pusher(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("remote unreachable");
            }
            return "pushed";
        }, log::add);
        pusher.start();
        try {
            pusher.request();
            pusher.request(); // folded into the same sync
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (pusher.syncs() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(pusher.syncs()).isEqualTo(1);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(pusher.lastError()).isNull();
            // Waited 1 s after the first failure and 2 s after the second.
            assertThat(log).anyMatch(l -> l.contains("push failed, trying again in 1 s: remote unreachable"))
                    .anyMatch(l -> l.contains("trying again in 2 s"));
        } finally {
            pusher.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void commitsMadeWhileTheLastSyncRanArePushedBeforeStopping() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Pusher pusher = new Pusher(() -> {
            if (calls.incrementAndGet() == 1) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return "pushed";
        }, log::add);
        pusher.start();
        pusher.request();
        assertThat(entered.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        pusher.request(); // a batch committed while the first sync runs
        Thread stopping = new Thread(() -> pusher.stop(Duration.ofSeconds(20)));
        stopping.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (stopping.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5); // until stop() is waiting for the pusher: the stop was asked before the sync ended
        }
        release.countDown();
        stopping.join(30_000);
        assertThat(stopping.isAlive()).isFalse();
        assertThat(calls.get()).as("the pending request got its sync; log: %s", log).isEqualTo(2);
        assertThat(pusher.syncs()).isEqualTo(2);
    }
}
