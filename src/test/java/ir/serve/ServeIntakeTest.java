package ir.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ir.store.Backends;
import ir.store.IncidentStore;
import ir.store.Session;
import ir.store.Workspace;
import ir.testing.IrTester;
import ir.testing.MutableClock;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir serve} end to end in one process: the receiver on an ephemeral loopback port, recording through the
 * workspace's real intake (the one {@code ir serve} and {@code ir ingest} use) into a real repository. Every format's
 * documented example posted over HTTP opens the incident its {@code triggers:} rule says, with the right times; a
 * repeat changes nothing; resolutions are recorded; refusals write nothing.
 */
class ServeIntakeTest {
    static final String TOKEN = "a-token-only-this-test-knows";
    static final String PD_SECRET = "the-pagerduty-signing-secret";
    static final String INTAKE = "Alertmanager <alerts@example.com>";
    static final String TRIGGERS = """
            triggers:
              - match: {alertname: Watchdog}
                ignore: true
              - match: {alertname: HighErrorRate}
                severity: SEV-2
                tags: [paging]
                resolve: mitigate
              - match: {team: blue}
                severity: SEV-4
              - match: {urgency: high}
                severity: SEV-1
              - match: {group: checkout-errors}
                severity: SEV-5
              - severity: SEV-3
            intake:
              author: "%s"
            """.formatted(INTAKE);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock("2025-05-01T11:53:00Z");
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private IrTester ir;
    private Backends backends;
    private IncidentStore store;
    private Receiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        ir = IrTester.workspace(dir);
        commitTriggers(dir);
        backends = Backends.kept();
        store = backends.open(Workspace.at(dir), Session.of(clock, IrTester.ALICE, Duration.ofSeconds(20)));
        receiver = Receiver.start(new Receiver.Settings(new InetSocketAddress("127.0.0.1", 0), TOKEN, PD_SECRET,
                Duration.ofMillis(200), 4), Workspace.at(dir).stateDir(), store.intake(), null, clock, log::add);
    }

    @AfterEach
    void tearDown() {
        try {
            assertThat(receiver.stop(Duration.ofSeconds(20))).as("everything recorded at stop; log: %s", log)
                    .isTrue();
        } finally {
            store.close();
            backends.close();
        }
    }

    /** Appends the routing rules to ir.yaml and commits them, so the work tree starts clean. */
    static void commitTriggers(Path dir) throws Exception {
        Path yaml = dir.resolve("ir.yaml");
        Files.writeString(yaml, Files.readString(yaml) + TRIGGERS);
        try (Git git = Git.open(dir.toFile())) {
            git.add().addFilepattern("ir.yaml").call();
            git.commit().setMessage("triggers").setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").setNoVerify(true).call();
        }
    }

    static String resource(String name) {
        try (InputStream in = ServeIntakeTest.class.getResourceAsStream("/alerts/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- HTTP

    private HttpResponse<String> post(String format, String body, String... headers) throws Exception {
        return post(format, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private HttpResponse<String> post(String format, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/alerts/" + format)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts with the bearer token (and PagerDuty's signature for PagerDuty), expecting 202. */
    private void accepted(String format, String body) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + TOKEN));
        if (format.equals("pagerduty")) {
            headers.addAll(List.of("X-PagerDuty-Signature", "v1=" + sign(body, PD_SECRET)));
        }
        HttpResponse<String> r = post(format, body, headers.toArray(String[]::new));
        assertThat(r.statusCode()).as("%s: %s", format, r.body()).isEqualTo(202);
    }

    static String sign(String body, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + receiver.address().getPort() + path);
    }

    /** Waits (bounded) until /healthz says nothing is queued: every acknowledged payload is recorded. */
    private void drained() throws Exception {
        drained(http, uri("/healthz"), log);
    }

    static void drained(HttpClient http, URI healthz, List<String> log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(healthz).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && r.body().contains("\"queued\":0")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("still queued after 30 s: " + last + "; log: " + log);
    }

    // ---- the repository

    private List<String> incidents() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("incidents"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
    }

    private String onlyIncidentStartingWith(String prefix) throws IOException {
        List<String> ids = incidents().stream().filter(i -> i.startsWith(prefix)).toList();
        assertThat(ids).as("incidents %s", incidents()).hasSize(1);
        return ids.get(0);
    }

    private List<JsonNode> alertEvents(JsonNode incident) {
        List<JsonNode> out = new ArrayList<>();
        incident.get("timeline").forEach(e -> {
            if (e.path("type").asText().equals("alert")) {
                out.add(e);
            }
        });
        return out;
    }

    private List<Path> inboxEntries() throws IOException {
        Path inbox = Workspace.at(dir).stateDir().resolve("inbox");
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(inbox)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    /** Reads back the committed incident in HEAD and checks the work tree's file is the same bytes. */
    private JsonNode committed(String id) throws IOException {
        JsonNode y = ir.committedYaml(id);
        assertThat(YAML.readTree(Files.readAllBytes(ir.incidentFile(id)))).isEqualTo(y);
        return y;
    }

    // ---- tests

    @Test
    void alertmanagerOpensTheRuleSIncidentARepeatChangesNothingAndTheResolutionMitigates() throws Exception {
        int before = ir.commits().size();
        accepted("alertmanager", resource("alertmanager-firing.json"));
        drained();
        String id = onlyIncidentStartingWith("2025-05-01-5xx-ratio-5-on-checkout-");
        List<RevCommit> commits = ir.commits();
        assertThat(commits).hasSize(before + 1);
        RevCommit opened = commits.get(0);
        assertThat(opened.getAuthorIdent().getName() + " <" + opened.getAuthorIdent().getEmailAddress() + ">")
                .isEqualTo(INTAKE);
        assertThat(opened.getFullMessage()).contains("Incident: " + id).contains("Ir-Event: alert");
        assertThat(ir.changedPaths(opened)).containsExactly("incidents/" + id + ".yaml");

        JsonNode y = committed(id);
        assertThat(y.path("severity").asText()).isEqualTo("SEV-2");
        assertThat(y.path("tags").toString()).isEqualTo("[\"paging\"]");
        assertThat(y.path("title").asText()).isEqualTo("5xx ratio > 5% on checkout");
        assertThat(y.path("opened_at").asText()).isEqualTo("2025-05-01T11:53:00Z");
        assertThat(y.path("detected_at").asText()).isEqualTo("2025-05-01T11:53:00Z");
        assertThat(y.path("started_at").asText()).isEqualTo("2025-05-01T11:52:00Z");
        assertThat(y.path("mitigated_at").isMissingNode()).isTrue();
        assertThat(y.path("alert_groups").get(0).path("source").asText()).isEqualTo("alertmanager");
        assertThat(y.path("alert_groups").get(0).path("key").asText())
                .isEqualTo("{}:{alertname=\"HighErrorRate\",service=\"checkout\"}");
        List<JsonNode> alerts = alertEvents(y);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("state").asText()).isEqualTo("firing");
        assertThat(alerts.get(0).path("at").asText()).isEqualTo("2025-05-01T11:52:00Z");
        assertThat(alerts.get(0).path("author").asText()).isEqualTo(INTAKE);

        // The same notification again, later (Alertmanager's repeat_interval, or a retry): nothing new, no commit.
        Map<String, String> files = ir.snapshot();
        clock.set("2025-05-01T11:58:00Z");
        accepted("alertmanager", resource("alertmanager-firing.json"));
        drained();
        assertThat(ir.commits()).hasSize(before + 1);
        assertThat(ir.snapshot()).isEqualTo(files);

        // The resolution: an alert event dated at endsAt, and the rule's `resolve: mitigate`.
        clock.set("2025-05-01T12:21:00Z");
        accepted("alertmanager", resource("alertmanager-resolved.json"));
        drained();
        assertThat(ir.commits()).hasSize(before + 2);
        assertThat(incidents()).containsExactly(id);
        y = committed(id);
        assertThat(y.path("mitigated_at").asText()).isEqualTo("2025-05-01T12:20:00Z");
        assertThat(y.path("detected_at").asText()).isEqualTo("2025-05-01T11:53:00Z");
        alerts = alertEvents(y);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).path("state").asText()).isEqualTo("resolved");
        assertThat(alerts.get(1).path("at").asText()).isEqualTo("2025-05-01T12:20:00Z");
        assertThat(ir.commits().get(0).getShortMessage()).contains("mitigated");

        // The resolution again: nothing new (the mitigation is not marked twice).
        files = ir.snapshot();
        clock.set("2025-05-01T12:26:00Z");
        accepted("alertmanager", resource("alertmanager-resolved.json"));
        drained();
        assertThat(ir.commits()).hasSize(before + 2);
        assertThat(ir.snapshot()).isEqualTo(files);
        assertThat(ir.clean()).isTrue();
        assertThat(inboxEntries()).isEmpty();
    }

    @Test
    void grafanaAndGenericJsonOpenTheirRulesIncidents() throws Exception {
        int before = ir.commits().size();
        accepted("grafana", resource("grafana-firing.json"));
        clock.set("2025-05-01T11:53:02Z");
        accepted("json", resource("json-firing.json"));
        drained();
        assertThat(ir.commits()).hasSize(before + 2);

        // Grafana: the title without "[FIRING:1]", the `team: blue` rule; started at the alert's startsAt in UTC.
        String g = onlyIncidentStartingWith("2021-10-12-high-memory-usage-blue-");
        JsonNode y = committed(g);
        assertThat(y.path("title").asText()).isEqualTo("High memory usage (blue)");
        assertThat(y.path("severity").asText()).isEqualTo("SEV-4");
        assertThat(y.path("started_at").asText()).isEqualTo("2021-10-12T07:51:03Z");
        assertThat(y.path("detected_at").asText()).isEqualTo("2025-05-01T11:53:00Z");
        assertThat(y.path("alert_groups").get(0).path("source").asText()).isEqualTo("grafana");
        assertThat(alertEvents(y)).hasSize(1);

        // Generic JSON: its own title, the `group:` rule, started at starts_at, its link kept.
        String j = onlyIncidentStartingWith("2025-05-01-checkout-errors-above-5-");
        y = committed(j);
        assertThat(y.path("title").asText()).isEqualTo("Checkout errors above 5%");
        assertThat(y.path("severity").asText()).isEqualTo("SEV-5");
        assertThat(y.path("started_at").asText()).isEqualTo("2025-05-01T11:52:00Z");
        assertThat(y.path("detected_at").asText()).isEqualTo("2025-05-01T11:53:02Z");
        assertThat(y.path("links").toString()).contains("https://grafana.example.com/d/checkout");
        assertThat(y.path("alert_groups").get(0).path("key").asText()).isEqualTo("checkout-errors");
        assertThat(incidents()).hasSize(2);

        // Both again, in one batch: nothing new.
        Map<String, String> files = ir.snapshot();
        clock.set("2025-05-01T12:00:00Z");
        accepted("grafana", resource("grafana-firing.json"));
        accepted("json", resource("json-firing.json"));
        drained();
        assertThat(ir.commits()).hasSize(before + 2);
        assertThat(ir.snapshot()).isEqualTo(files);

        // The JSON group resolves: recorded as an alert event (the rule records only, it does not mitigate).
        String resolved = resource("json-firing.json").replace("\"status\": \"firing\"", "\"status\": \"resolved\"")
                .replace("\"starts_at\"", "\"ends_at\": \"2025-05-01T12:10:00Z\",\n  \"starts_at\"");
        clock.set("2025-05-01T12:11:00Z");
        accepted("json", resolved);
        drained();
        assertThat(ir.commits()).hasSize(before + 3);
        y = committed(j);
        List<JsonNode> alerts = alertEvents(y);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).path("state").asText()).isEqualTo("resolved");
        assertThat(alerts.get(1).path("at").asText()).isEqualTo("2025-05-01T12:10:00Z");
        assertThat(y.path("mitigated_at").isMissingNode()).isTrue();
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void pagerDutyTriggeredAcknowledgedAndResolvedFeedOneIncident() throws Exception {
        int before = ir.commits().size();
        clock.set("2025-05-01T11:53:11Z");
        accepted("pagerduty", resource("pagerduty-triggered.json"));
        drained();
        String id = onlyIncidentStartingWith("2025-05-01-a-little-bump-in-the-road-");
        JsonNode y = committed(id);
        assertThat(y.path("severity").asText()).isEqualTo("SEV-1");
        assertThat(y.path("started_at").asText()).isEqualTo("2025-05-01T11:53:09Z");
        assertThat(y.path("detected_at").asText()).isEqualTo("2025-05-01T11:53:11Z");
        assertThat(y.path("acknowledged_at").isMissingNode()).isTrue();
        assertThat(y.path("alert_groups").get(0).path("key").asText()).isEqualTo("PGR0VU2");
        assertThat(y.path("links").toString()).contains("https://acme.pagerduty.com/incidents/PGR0VU2");
        assertThat(ir.commits()).hasSize(before + 1);

        clock.set("2025-05-01T11:58:01Z");
        accepted("pagerduty", resource("pagerduty-acknowledged.json"));
        drained();
        y = committed(id);
        assertThat(y.path("acknowledged_at").asText()).isEqualTo("2025-05-01T11:58:00Z");
        assertThat(alertEvents(y)).extracting(e -> e.path("state").asText())
                .containsExactly("firing", "acknowledged");
        assertThat(ir.commits()).hasSize(before + 2);

        // A redelivery of the acknowledgement (PagerDuty retries on a slow answer): nothing new.
        Map<String, String> files = ir.snapshot();
        clock.set("2025-05-01T11:59:00Z");
        accepted("pagerduty", resource("pagerduty-acknowledged.json"));
        drained();
        assertThat(ir.commits()).hasSize(before + 2);
        assertThat(ir.snapshot()).isEqualTo(files);

        clock.set("2025-05-01T12:30:01Z");
        accepted("pagerduty", resource("pagerduty-resolved.json"));
        drained();
        y = committed(id);
        List<JsonNode> alerts = alertEvents(y);
        assertThat(alerts).extracting(e -> e.path("state").asText())
                .containsExactly("firing", "acknowledged", "resolved");
        assertThat(alerts.get(2).path("at").asText()).isEqualTo("2025-05-01T12:30:00Z");
        assertThat(ir.commits()).hasSize(before + 3);
        assertThat(incidents()).containsExactly(id);
        assertThat(ir.clean()).isTrue();
        assertThat(inboxEntries()).isEmpty();
    }

    @Test
    void refusalsWriteNothing() throws Exception {
        Map<String, String> files = ir.snapshot();
        int commits = ir.commits().size();
        String pd = resource("pagerduty-triggered.json");
        String am = resource("alertmanager-firing.json");

        HttpResponse<String> r = post("pagerduty", pd, "Authorization", "Bearer " + TOKEN,
                "X-PagerDuty-Signature", "v1=" + sign(pd, "not-the-secret"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).contains("X-PagerDuty-Signature");
        r = post("pagerduty", pd, "Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);

        r = post("alertmanager", am);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        r = post("alertmanager", am, "Authorization", "Bearer not-" + TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);

        byte[] big = new byte[Receiver.MAX_BODY + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        byte[] head = am.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, big, 0, head.length);
        r = post("alertmanager", big, "Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);

        r = post("alertmanager", am.substring(0, am.length() / 2), "Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        r = post("json", "{\"title\": \"no group\"}", "Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("group");

        drained();
        assertThat(inboxEntries()).isEmpty();
        assertThat(ir.commits()).hasSize(commits);
        assertThat(ir.snapshot()).isEqualTo(files);
        assertThat(ir.clean()).isTrue();
        assertThat(incidents()).isEmpty();
        assertThat(receiver.batchesCommitted()).isZero();

        // And the same payloads, rightly sent, are accepted: the refusals were about the requests, not the payloads.
        accepted("pagerduty", pd);
        accepted("alertmanager", am);
        drained();
        assertThat(incidents()).hasSize(2);
    }
}
