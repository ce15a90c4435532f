package ir.serve;

import ir.store.AlertIntake;
import ir.store.Backends;
import ir.store.IncidentStore;
import ir.store.Session;
import ir.store.Workspace;
import ir.testing.FileIntake;
import ir.testing.IrTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ir serve}'s receiver, over real HTTP on an ephemeral port, recording into a real repository. */
class ReceiverTest {
    private static final String TOKEN = "s3cr3t-token-for-tests";
    private static final String PD_SECRET = "pagerduty-signing-secret";

    @TempDir
    Path dir;

    private IrTester ir;
    private Backends backends;
    private IncidentStore store;
    private Receiver receiver;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(dir);
        backends = Backends.kept();
        store = backends.open(Workspace.at(dir), Session.of(Clock.systemUTC(), IrTester.ALICE,
                Duration.ofSeconds(20)));
    }

    @AfterEach
    void tearDown() {
        if (receiver != null) {
            receiver.stop(Duration.ofSeconds(10));
        }
        store.close();
        backends.close();
    }

    private Receiver start(String token, String pdSecret) {
        return start(token, pdSecret, Duration.ofSeconds(1));
    }

    private Receiver start(String token, String pdSecret, Duration spacing) {
        receiver = Receiver.start(new Receiver.Settings(new InetSocketAddress("127.0.0.1", 0), token, pdSecret,
                spacing, 8), Workspace.at(dir).stateDir(), new FileIntake(store), null, Clock.systemUTC(), log::add);
        return receiver;
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        return post(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private HttpResponse<String> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        InetSocketAddress a = receiver.address();
        return URI.create("http://127.0.0.1:" + a.getPort() + path);
    }

    private static String alert(String group, int n) {
        return "{\"group\":\"" + group + "\",\"n\":" + n + "}";
    }

    private Path inbox() {
        return Workspace.at(dir).stateDir().resolve("inbox");
    }

    /** Journal segments and payload files of the previous format: what would be replayed at the next start. */
    private List<Path> inboxEntries() throws IOException {
        try (Stream<Path> s = Files.list(inbox())) {
            return s.filter(p -> p.getFileName().toString().endsWith(Inbox.SEGMENT_SUFFIX)
                    || p.getFileName().toString().endsWith(Inbox.LEGACY_SUFFIX)).toList();
        }
    }

    /** Journals a payload as a run that crashed before recording it would have left it. */
    private void leaveInInbox(String body) {
        try (Inbox inbox = Inbox.open(Workspace.at(dir).stateDir(), log::add)) {
            inbox.start(e -> { });
            inbox.write(new AlertIntake.Payload("json", body.getBytes(StandardCharsets.UTF_8), Instant.now()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private boolean recorded(String body) {
        Path rel = FileIntake.file(FileIntake.group(new AlertIntake.Payload("json",
                body.getBytes(StandardCharsets.UTF_8), Instant.EPOCH)), body.getBytes(StandardCharsets.UTF_8));
        return Files.isRegularFile(dir.resolve(rel));
    }

    private void stop() {
        assertThat(receiver.stop(Duration.ofSeconds(20))).as("everything recorded at stop").isTrue();
    }

    @Test
    void aPayloadIsAcknowledgedThenRecordedAndCommitted() throws Exception {
        start(null, null);
        int before = ir.commits().size();
        HttpResponse<String> r = post("/alerts/json", alert("checkout", 1));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        stop();
        assertThat(recorded(alert("checkout", 1))).isTrue();
        assertThat(ir.commits()).hasSize(before + 1);
        assertThat(ir.commits().get(0).getFullMessage()).contains("Incident: alert-checkout");
        assertThat(ir.clean()).isTrue();
        assertThat(inboxEntries()).isEmpty();
        assertThat(log).anyMatch(l -> l.matches("POST /alerts/json 202 \\d+ms"));
    }

    @Test
    void healthSaysOkQueuedAndLastCommit() throws Exception {
        start(null, null);
        HttpResponse<String> h = http.send(HttpRequest.newBuilder(uri("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).contains("\"ok\":true").contains("\"queued\":0").contains("\"last_commit\":null");
        post("/alerts/json", alert("db", 1));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (receiver.queued() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        h = http.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(h.body()).contains("\"queued\":0").containsPattern("\"last_commit\":\"\\d{4}-");
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        start(null, null);
        assertThat(post("/alerts/nagios", alert("x", 1)).statusCode()).isEqualTo(404);
        assertThat(post("/", alert("x", 1)).statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(uri("/alerts/json")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(post("/healthz", "{}").statusCode()).isEqualTo(405);
        assertThat(inboxEntries()).isEmpty();
    }

    /** Posts a request that must be refused with {@code status}, and checks that nothing was journaled or committed. */
    private void assertRefusedWritesNothing(int status, String path, byte[] body, String... headers)
            throws Exception {
        Map<String, String> files = ir.snapshot();
        int commits = ir.commits().size();
        HttpResponse<String> r = post(path, body, headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(inboxEntries()).isEmpty();
        stop();
        assertThat(ir.commits()).hasSize(commits);
        assertThat(ir.snapshot()).isEqualTo(files);
        assertThat(log).noneMatch(l -> l.contains(TOKEN) || l.contains(PD_SECRET));
    }

    @Test
    void aMissingTokenIs401AndWritesNothing() throws Exception {
        start(TOKEN, null);
        assertRefusedWritesNothing(401, "/alerts/json", alert("a", 1).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWrongTokenIs401AndWritesNothing() throws Exception {
        start(TOKEN, null);
        assertRefusedWritesNothing(401, "/alerts/alertmanager", alert("a", 1).getBytes(StandardCharsets.UTF_8),
                "Authorization", "Bearer " + TOKEN + "x");
    }

    @Test
    void theRightTokenIsAccepted() throws Exception {
        start(TOKEN, null);
        assertThat(post("/alerts/json", alert("a", 1), "Authorization", "Bearer " + TOKEN).statusCode())
                .isEqualTo(202);
        stop();
        assertThat(recorded(alert("a", 1))).isTrue();
    }

    private static String signature(String secret, String body) {
        return "v1=" + HexFormat.of().formatHex(Auth.hmacSha256(secret, body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String pagerDuty(String id) {
        return "{\"event\":{\"id\":\"e1\",\"event_type\":\"incident.triggered\",\"data\":{\"id\":\"" + id + "\"}}}";
    }

    @Test
    void aBadPagerDutySignatureIs401AndWritesNothing() throws Exception {
        start(null, PD_SECRET);
        String body = pagerDuty("PGR0VU2");
        assertRefusedWritesNothing(401, "/alerts/pagerduty", body.getBytes(StandardCharsets.UTF_8),
                "X-PagerDuty-Signature", signature("another-secret", body));
    }

    @Test
    void aMissingPagerDutySignatureIs401AndWritesNothing() throws Exception {
        start(null, PD_SECRET);
        assertRefusedWritesNothing(401, "/alerts/pagerduty", pagerDuty("P1").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPagerDutySignatureMatchingAnyOfSeveralValuesIsAccepted() throws Exception {
        start(null, PD_SECRET);
        String body = pagerDuty("PGR0VU2");
        // During a rotation PagerDuty signs with the old and the new secret: the second value is ours.
        HttpResponse<String> r = post("/alerts/pagerduty", body, "X-PagerDuty-Signature",
                signature("old-secret", body) + ", " + signature(PD_SECRET, body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        stop();
        assertThat(Files.exists(dir.resolve(FileIntake.file("pgr0vu2", body.getBytes(StandardCharsets.UTF_8)))))
                .isTrue();
    }

    @Test
    void anOversizedBodyIs413AndWritesNothing() throws Exception {
        start(null, null);
        byte[] big = new byte[Receiver.MAX_BODY + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        assertRefusedWritesNothing(413, "/alerts/json", big);
    }

    @Test
    void aBodyOfExactlyTheLimitIsAccepted() throws Exception {
        start(null, null);
        byte[] body = new byte[Receiver.MAX_BODY];
        java.util.Arrays.fill(body, (byte) ' ');
        byte[] json = alert("big", 1).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(json, 0, body, 0, json.length);
        assertThat(post("/alerts/json", body).statusCode()).isEqualTo(202);
    }

    @Test
    void malformedJsonIs400AndWritesNothing() throws Exception {
        start(null, null);
        assertRefusedWritesNothing(400, "/alerts/json", "{\"group\": ".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPayloadLeftInTheInboxIsRecordedAtStart() throws Exception {
        String body = alert("left-over", 7);
        leaveInInbox(body);
        assertThat(inboxEntries()).hasSize(1);
        start(null, null);
        assertThat(receiver.replayed()).isEqualTo(1);
        stop();
        assertThat(recorded(body)).isTrue();
        assertThat(inboxEntries()).isEmpty();
        assertThat(ir.commits().get(0).getFullMessage()).contains("Incident: alert-left-over");
    }

    @Test
    void aPayloadAlreadyRecordedBeforeACrashChangesNothingWhenReplayed() throws Exception {
        start(null, null);
        post("/alerts/json", alert("twice", 1));
        stop();
        int commits = ir.commits().size();
        // As if the process died after the commit and before the entry was deleted.
        leaveInInbox(alert("twice", 1));
        start(null, null);
        assertThat(receiver.replayed()).isEqualTo(1);
        stop();
        assertThat(ir.commits()).hasSize(commits);
        assertThat(inboxEntries()).isEmpty();
    }

    @Test
    void payloadFilesOfThePreviousFormatAreRecordedAtStartThenRemoved() throws Exception {
        // What an earlier build left: one file per payload, a header line and the body, named by receipt order.
        Files.createDirectories(inbox());
        String older = alert("old-format", 1);
        String newer = alert("old-format", 2);
        Files.writeString(inbox().resolve("0001714550000000000000-00000001-0a0b0c0d.payload"),
                "ir-inbox 1 json 2024-05-01T08:00:00Z\n" + older);
        Files.writeString(inbox().resolve("0001714550001000000000-00000002-01020304.payload"),
                "ir-inbox 1 json 2024-05-01T08:00:01Z\n" + newer);
        leaveInInbox(alert("new-format", 1));
        start(null, null);
        assertThat(receiver.replayed()).isEqualTo(3);
        stop();
        assertThat(recorded(older)).isTrue();
        assertThat(recorded(newer)).isTrue();
        assertThat(recorded(alert("new-format", 1))).isTrue();
        assertThat(inboxEntries()).isEmpty();
    }

    @Test
    void theWarmUpSamplesAreValidPayloadsOfEveryFormat() {
        // Checked before listening so that a storm's first requests do not each wait for the parsers to load: each
        // must go all the way through the workspace's real intake, not stop at a refusal.
        assertThat(Receiver.SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(AlertIntake.FORMATS);
        Map<String, String> before = ir.snapshot();
        Receiver.SAMPLES.forEach((format, body) -> store.intake().check(new AlertIntake.Payload(format,
                body.getBytes(StandardCharsets.UTF_8), Instant.now())));
        assertThat(ir.snapshot()).isEqualTo(before);
    }

    @Test
    void aSecondReceiverForTheSameCloneIsRefused() {
        start(null, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Receiver.start(new Receiver.Settings(
                        new InetSocketAddress("127.0.0.1", 0), null, null, Duration.ofSeconds(1), 2),
                        Workspace.at(dir).stateDir(), new FileIntake(store), null, Clock.systemUTC(), log::add))
                .hasMessageContaining("another 'ir serve'");
    }

    @Test
    void manyConcurrentPostsForOneGroupMakeFewCommits() throws Exception {
        start(null, null);
        int before = ir.commits().size();
        int posts = 60;
        ExecutorService senders = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> acks = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                int n = i;
                acks.add(senders.submit(() -> post("/alerts/json", alert("storm", n)).statusCode()));
            }
            for (Future<Integer> f : acks) {
                assertThat(f.get()).isEqualTo(202);
            }
        } finally {
            senders.shutdown();
        }
        stop();
        for (int i = 0; i < posts; i++) {
            assertThat(recorded(alert("storm", i))).as("payload %d", i).isTrue();
        }
        int made = ir.commits().size() - before;
        // One batch per second at most: a burst of 60 posts is a handful of commits, not 60.
        assertThat(made).isBetween(1, (int) receiver.batchesCommitted());
        assertThat(receiver.batchesCommitted()).isLessThan(posts / 4);
    }

    @Test
    void stoppingRecordsEverythingAcknowledged() throws Exception {
        // A long spacing: the second batch is still waiting when the stop comes, and the stop records it at once.
        start(null, null, Duration.ofSeconds(30));
        assertThat(post("/alerts/json", alert("first", 1)).statusCode()).isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (receiver.batchesCommitted() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(post("/alerts/json", alert("later", i)).statusCode()).isEqualTo(202);
        }
        assertThat(receiver.queued()).isEqualTo(5);
        stop();
        for (int i = 0; i < 5; i++) {
            assertThat(recorded(alert("later", i))).isTrue();
        }
        assertThat(inboxEntries()).isEmpty();
        assertThatStopped();
    }

    private void assertThatStopped() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> post("/alerts/json", alert("after", 1)))
                .isInstanceOf(IOException.class);
    }
}
