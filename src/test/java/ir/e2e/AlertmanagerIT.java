package ir.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}, which {@code .ci/run} installs) with a
 * {@code webhook_configs} receiver pointing at a running {@code ir serve}: alerts posted to Alertmanager's own API
 * open one incident through Alertmanager's real notifications, grouped, with the routed severity and the alerts' start,
 * and resolving them in Alertmanager marks the incident mitigated, per the workspace's rule.
 */
class AlertmanagerIT {
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void alertmanagersOwnNotificationsOpenGroupAndMitigateOneIncident() throws Exception {
        if (!Files.isExecutable(ALERTMANAGER)) {
            // Under .ci/run it must be there (it installs it); elsewhere a developer without it skips this one test.
            assertThat(System.getenv("IR_REQUIRE_ALERTMANAGER")).as(ALERTMANAGER + " is missing: .ci/run installs it")
                    .isNull();
            Assumptions.abort(ALERTMANAGER + " is not installed (apt-get install prometheus-alertmanager)");
        }
        Map<String, String> env = Processes.cleanEnv(tmp);
        Path repo = tmp.resolve("repo");
        Processes.gitRepo(repo, env, "On Call", "oncall@example.com");
        assertThat(Processes.run(Processes.irJar("init"), repo, env).exit()).isZero();
        Path config = repo.resolve("ir.yaml");
        Files.writeString(config, Files.readString(config) + """
                triggers:
                  - match: {severity: critical}
                    severity: SEV-2
                    tags: [paging]
                    resolve: mitigate
                  - severity: SEV-4
                intake:
                  author: "Alertmanager <alertmanager@example.com>"
                """);
        Processes.git(repo, env, "commit", "-qam", "alert routing");

        int irPort = freePort();
        Process serve = Processes.start(Processes.irJar("serve", "--listen", "127.0.0.1:" + irPort), repo, env);
        processes.add(serve);
        awaitOk(URI.create("http://127.0.0.1:" + irPort + "/healthz"), serve);

        int amPort = freePort();
        Path am = tmp.resolve("alertmanager");
        Files.createDirectories(am.resolve("data"));
        Files.writeString(am.resolve("alertmanager.yml"), """
                route:
                  receiver: ir
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: ir
                    webhook_configs:
                      - url: http://127.0.0.1:%d/alerts/alertmanager
                        send_resolved: true
                """.formatted(irPort));
        Process alertmanager = Processes.start(List.of(ALERTMANAGER.toString(),
                "--config.file=" + am.resolve("alertmanager.yml"), "--storage.path=" + am.resolve("data"),
                "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address="), am, env);
        processes.add(alertmanager);
        URI api = URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts");
        awaitOk(URI.create("http://127.0.0.1:" + amPort + "/-/ready"), alertmanager);

        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        post(api, alerts(startsAt, null, "db1", "db2"));

        JsonNode opened = awaitIncident(repo, env, i -> i.path("timeline").findValues("fingerprint").size() >= 2);
        assertThat(opened.get("severity").asText()).isEqualTo("SEV-2");
        assertThat(opened.get("started_at").asText()).isEqualTo(startsAt.toString());
        assertThat(opened.get("title").asText()).isEqualTo("Disk almost full");
        assertThat(opened.get("tags").toString()).contains("paging");
        assertThat(opened.has("mitigated_at")).isFalse();

        Instant endsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        post(api, alerts(startsAt, endsAt, "db1", "db2"));

        JsonNode resolved = awaitIncident(repo, env, i -> i.has("mitigated_at"));
        assertThat(resolved.get("id").asText()).isEqualTo(opened.get("id").asText());
        try (Stream<Path> files = Files.list(repo.resolve("incidents"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".yaml")).count()).as("one group, one incident")
                    .isEqualTo(1);
        }
        assertThat(Processes.git(repo, env, "log", "--format=%an <%ae>", "-3"))
                .contains("Alertmanager <alertmanager@example.com>");
        assertThat(Processes.git(repo, env, "status", "--porcelain")).isEmpty();

        serve.toHandle().destroy(); // SIGTERM: finishes the batch and exits 0
        assertThat(Processes.finish(serve).exit()).isZero();
    }

    /** Alertmanager API v2 alerts: one per instance, all of one group (the alertname). */
    private static String alerts(Instant startsAt, Instant endsAt, String... instances) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (String instance : instances) {
            Map<String, Object> a = new java.util.LinkedHashMap<>();
            a.put("labels", Map.of("alertname", "DiskFull", "severity", "critical", "instance", instance));
            a.put("annotations", Map.of("summary", "Disk almost full"));
            a.put("startsAt", startsAt.toString());
            if (endsAt != null) {
                a.put("endsAt", endsAt.toString());
            }
            list.add(a);
        }
        return JSON.writeValueAsString(list);
    }

    private void post(URI uri, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    /** The one incident file as committed in HEAD, once it matches {@code done}; fails after 60 s. */
    private static JsonNode awaitIncident(Path repo, Map<String, String> env, Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(repo.resolve("incidents"))) {
                List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).toList();
                if (yaml.size() == 1) {
                    Processes.Result head = Processes.run(List.of("git", "show", "HEAD:incidents/"
                            + yaml.get(0).getFileName()), repo, env);
                    if (head.exit() == 0) {
                        last = YAML.readTree(head.out());
                        if (done.test(last)) {
                            return last;
                        }
                    }
                }
            } catch (IOException e) {
                // being replaced: read it again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no incident as expected within 60 s; last seen: " + last);
    }

    private void awaitOk(URI uri, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as(uri + ": the process ended").isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(uri + " did not answer 200 within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
