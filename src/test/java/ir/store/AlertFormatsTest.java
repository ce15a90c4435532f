package ir.store;

import ir.model.Alert;
import ir.model.IrException;
import ir.model.Notification;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parsers, on the formats' own documented examples (src/test/resources/alerts/). */
class AlertFormatsTest {
    private static byte[] resource(String name) {
        try (InputStream in = AlertFormatsTest.class.getResourceAsStream("/alerts/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void alertmanagerVersion4() {
        Notification n = AlertFormats.parse(null, resource("alertmanager-firing.json"));
        assertThat(n.source()).isEqualTo("alertmanager");
        assertThat(n.groupKey()).isEqualTo("{}:{alertname=\"HighErrorRate\",service=\"checkout\"}");
        assertThat(n.status()).isEqualTo("firing");
        assertThat(n.title()).isEqualTo("5xx ratio > 5% on checkout");
        assertThat(n.labels()).containsEntry("severity", "critical").containsEntry("alertname", "HighErrorRate");
        assertThat(n.fields()).containsEntry("receiver", "ir").containsEntry("externalURL", "http://alertmanager:9093")
                .containsEntry("truncatedAlerts", 0L);
        assertThat(n.alerts()).hasSize(1);
        Alert a = n.alerts().get(0);
        assertThat(a.fingerprint()).isEqualTo("c6eadffa33fcdf37");
        assertThat(a.status()).isEqualTo(Alert.FIRING);
        assertThat(a.labels()).containsEntry("instance", "web-1");
        assertThat(a.annotations()).containsEntry("runbook_url", "https://runbooks/checkout");
        assertThat(a.startsAt()).isEqualTo(Instant.parse("2025-05-01T11:52:00Z"));
        assertThat(a.link()).isEqualTo("http://prometheus:9090/graph?g0.expr=...");
        assertThat(n.links()).containsExactly("https://runbooks/checkout");
    }

    @Test
    void grafanaIsDetectedByOrgIdAndItsTitleLosesTheStatePrefix() {
        Notification n = AlertFormats.parse(null, resource("grafana-firing.json"));
        assertThat(n.source()).isEqualTo("grafana");
        assertThat(n.groupKey()).isEqualTo("{}:{}");
        assertThat(n.title()).isEqualTo("High memory usage (blue)");
        assertThat(n.fields()).containsEntry("orgId", 1L).containsEntry("state", "alerting");
        assertThat(n.alerts().get(0).startsAt()).isEqualTo(Instant.parse("2021-10-12T07:51:03.157076Z"));
    }

    @Test
    void pagerDutyV3IncidentEvents() {
        Notification n = AlertFormats.parse(null, resource("pagerduty-triggered.json"));
        assertThat(n.source()).isEqualTo("pagerduty");
        assertThat(n.groupKey()).isEqualTo("PGR0VU2");
        assertThat(n.title()).isEqualTo("A little bump in the road");
        assertThat(n.labels()).containsEntry("service", "API Service").containsEntry("urgency", "high")
                .containsEntry("priority", "P1").containsEntry("incident_key", "d3640fbd41094207a1c11e58e46b1662");
        assertThat(n.alerts().get(0).status()).isEqualTo(Alert.FIRING);
        assertThat(n.alerts().get(0).startsAt()).isEqualTo(Instant.parse("2025-05-01T11:53:09Z"));
        assertThat(n.links()).containsExactly("https://acme.pagerduty.com/incidents/PGR0VU2");
        assertThat(n.acknowledgedAt()).isNull();
        Notification ack = AlertFormats.parse("pagerduty", resource("pagerduty-acknowledged.json"));
        assertThat(ack.alerts().get(0).status()).isEqualTo(Alert.ACKNOWLEDGED);
        assertThat(ack.acknowledgedAt()).isEqualTo(Instant.parse("2025-05-01T11:58:00Z"));
        Notification resolved = AlertFormats.parse(null, resource("pagerduty-resolved.json"));
        assertThat(resolved.alerts().get(0).status()).isEqualTo(Alert.RESOLVED);
    }

    @Test
    void pagerDutyEventsAboutOtherThingsCarryNoAlerts() {
        String s = "{\"event\": {\"id\": \"x\", \"event_type\": \"service.updated\", \"data\": {\"id\": \"PSVC\"}}}";
        assertThat(AlertFormats.parse(null, s.getBytes(StandardCharsets.UTF_8)).alerts()).isEmpty();
        String note = "{\"event\": {\"event_type\": \"incident.annotated\", \"data\": {\"type\": \"incident_note\","
                + " \"id\": \"N1\", \"content\": \"rolled back\", \"incident\": {\"id\": \"PGR0VU2\"}}}}";
        Notification n = AlertFormats.parse(null, note.getBytes(StandardCharsets.UTF_8));
        assertThat(n.groupKey()).isEqualTo("PGR0VU2");
        assertThat(n.alerts().get(0).annotations()).containsEntry("note", "rolled back");
    }

    @Test
    void genericJson() {
        Notification n = AlertFormats.parse(null, resource("json-firing.json"));
        assertThat(n.source()).isEqualTo("json");
        assertThat(n.groupKey()).isEqualTo("checkout-errors");
        assertThat(n.title()).isEqualTo("Checkout errors above 5%");
        assertThat(n.alerts()).singleElement().satisfies(a -> {
            assertThat(a.fingerprint()).isEqualTo("checkout-errors");
            assertThat(a.labels()).containsEntry("service", "checkout");
        });
        String many = "{\"group\": \"g\", \"alerts\": [{\"id\": \"a\"}, {\"id\": \"b\", \"status\": \"resolved\","
                + " \"ends_at\": \"2025-05-01T12:00:00+02:00\"}]}";
        Notification m = AlertFormats.parse("json", many.getBytes(StandardCharsets.UTF_8));
        assertThat(m.alerts()).extracting(Alert::status).containsExactly(Alert.FIRING, Alert.RESOLVED);
        assertThat(m.alerts().get(1).endsAt()).isEqualTo(Instant.parse("2025-05-01T10:00:00Z"));
    }

    @Test
    void malformedPayloadsSayWhatIsWrongWithoutParserText() {
        assertThatThrownBy(() -> parse("alertmanager", "{\"alerts\": []}"))
                .isInstanceOf(IrException.class).hasMessage("the alertmanager payload has no 'groupKey'");
        assertThatThrownBy(() -> parse("alertmanager", "{\"version\": \"3\", \"groupKey\": \"k\", \"alerts\": []}"))
                .hasMessageContaining("ir reads Alertmanager's webhook version 4");
        assertThatThrownBy(() -> parse(null, "{\"group\": \"g\", \"starts_at\": \"yesterday\"}"))
                .hasMessage("the json payload: starts_at is 'yesterday', not an RFC 3339 time such as "
                        + "2025-05-01T11:52:00Z");
        assertThatThrownBy(() -> parse(null, "{\"group\": \"g\", \"labels\": {\"a\": {}}}"))
                .hasMessage("the json payload: labels: 'a' must be a string");
        assertThatThrownBy(() -> parse("pagerduty", "{\"event\": {\"event_type\": \"incident.triggered\"}}"))
                .hasMessage("the pagerduty payload: event has no 'data' object");
        assertThatThrownBy(() -> parse(null, "{\"group\": \"g\"} trailing"))
                .hasMessageStartingWith("the payload");
        assertThatThrownBy(() -> parse(null, "\"just a string\""))
                .hasMessage("the payload must be a JSON object");
        assertThatThrownBy(() -> parse(null, "{\"group\": 1" + "0".repeat(100) + "}"))
                .hasMessageContaining("over the limits");
    }

    private static Notification parse(String format, String body) {
        return AlertFormats.parse(format, body.getBytes(StandardCharsets.UTF_8));
    }
}
