package ir.store;

import ir.model.IrException;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The workspace's AlertIntake, as ir serve uses it: check before journaling, record a batch. */
class IntakeTest {
    @TempDir
    Path dir;

    private static byte[] resource(String name) {
        try (InputStream in = IntakeTest.class.getResourceAsStream("/alerts/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private GitIncidentStore store(IrTester t) {
        return new GitIncidentStore(Workspace.at(t.dir()), Session.of(t.clock(), IrTester.ALICE,
                Duration.ofSeconds(10)));
    }

    @Test
    void checkParsesAndRoutesWithoutWriting() {
        IrTester t = IrTester.workspace(dir);
        int commits = t.commits().size();
        try (GitIncidentStore s = store(t)) {
            AlertIntake intake = s.intake();
            intake.check(new AlertIntake.Payload("alertmanager", resource("alertmanager-firing.json"), t.now()));
            assertThatThrownBy(() -> intake.check(new AlertIntake.Payload("pagerduty", "{}".getBytes(
                    StandardCharsets.UTF_8), t.now()))).isInstanceOf(IrException.class)
                    .hasMessage("the pagerduty payload has no 'event' object (a PagerDuty webhook v3 payload)");
        }
        assertThat(t.commits()).hasSize(commits);
        assertThat(t.clean()).isTrue();
    }

    @Test
    void aBatchMakesOneCommitPerIncidentAndRecordingItAgainNone() {
        IrTester t = IrTester.workspace(dir).at("2025-05-01T11:53:00Z");
        int commits = t.commits().size();
        Instant at = Instant.parse("2025-05-01T11:53:00Z");
        List<AlertIntake.Payload> batch = List.of(
                new AlertIntake.Payload(null, resource("alertmanager-firing.json"), at),
                new AlertIntake.Payload(null, resource("pagerduty-triggered.json"), at.plusSeconds(12)),
                new AlertIntake.Payload(null, resource("alertmanager-two-alerts.json"), at.plusSeconds(60)),
                new AlertIntake.Payload(null, resource("alertmanager-resolved.json"), at.plusSeconds(1800)));
        try (GitIncidentStore s = store(t)) {
            List<AlertIntake.Outcome> out = s.intake().record(batch);
            assertThat(out).hasSize(2).allMatch(AlertIntake.Outcome::changed);
            assertThat(out.get(0).what()).startsWith("opened ").endsWith("(SEV-3, 2 firing, 1 resolved)");
            assertThat(t.commits()).hasSize(commits + 2);
            assertThat(s.intake().record(batch)).noneMatch(AlertIntake.Outcome::changed);
        }
        assertThat(t.commits()).hasSize(commits + 2);
    }

    @Test
    void aResolutionForAGroupWithoutAnIncidentOpensNothing() {
        IrTester t = IrTester.workspace(dir);
        int commits = t.commits().size();
        try (GitIncidentStore s = store(t)) {
            List<AlertIntake.Outcome> out = s.intake().record(List.of(new AlertIntake.Payload("alertmanager",
                    resource("alertmanager-resolved.json"), t.now())));
            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.changed()).isFalse();
                assertThat(o.what()).isEqualTo("nothing new");
            });
        }
        assertThat(t.commits()).hasSize(commits);
    }

    /**
     * Two receivers (two workspaces) recording the same notifications at receipts a second apart write events with
     * the same ids, so their clones' merge keeps one of each: alert events, an annotation update (dated at its
     * receipt), and what the rule made of them (a resolution, and a reopening when the group fires again).
     */
    @Test
    void twoReceiversRecordingTheSameNotificationsWriteTheSameEventIds() throws IOException {
        String firing = new String(resource("alertmanager-firing.json"), StandardCharsets.UTF_8);
        String updated = firing.replace("https://runbooks/checkout", "https://runbooks/checkout-v2");
        String refire = firing.replace("2025-05-01T11:52:00Z", "2025-05-01T13:00:00Z");
        List<List<String>> ids = new java.util.ArrayList<>();
        for (int lag = 0; lag < 2; lag++) {
            IrTester t = IrTester.workspace(dir.resolve("clone" + lag)).at("2025-05-01T11:53:00Z");
            java.nio.file.Files.writeString(t.dir().resolve("ir.yaml"), t.read("ir.yaml")
                    + "triggers:\n  - resolve: resolve\n");
            Instant at = Instant.parse("2025-05-01T11:53:00Z").plusSeconds(lag);
            try (GitIncidentStore s = store(t)) {
                s.intake().record(List.of(new AlertIntake.Payload("alertmanager", firing.getBytes(
                        StandardCharsets.UTF_8), at)));
                s.intake().record(List.of(new AlertIntake.Payload("alertmanager", updated.getBytes(
                        StandardCharsets.UTF_8), at.plusSeconds(300))));
                s.intake().record(List.of(new AlertIntake.Payload("alertmanager", resource(
                        "alertmanager-resolved.json"), at.plusSeconds(1800))));
                List<AlertIntake.Outcome> out = s.intake().record(List.of(new AlertIntake.Payload("alertmanager",
                        refire.getBytes(StandardCharsets.UTF_8), at.plusSeconds(4000))));
                assertThat(out).singleElement().satisfies(o -> assertThat(o.what()).contains("reopened"));
                ir.model.Incident i = s.load(out.get(0).incidentId());
                assertThat(i.timeline()).extracting(ir.model.TimelineEvent::type).containsExactlyInAnyOrder("alert",
                        "declared", "alert", "alert", "status", "status", "alert");
                ids.add(i.timeline().stream().map(ir.model.TimelineEvent::id).sorted().toList());
            }
        }
        assertThat(ids.get(1)).isEqualTo(ids.get(0)).doesNotHaveDuplicates();
    }
}
