package ir.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.model.Alert;
import ir.model.IrException;
import ir.model.Notification;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses the alert payloads ir accepts (see docs/alerts.md) into {@link Notification}s: Alertmanager webhook version 4,
 * Grafana alerting's webhook, PagerDuty webhooks v3 and ir's generic JSON. Payloads come from the network, so they are
 * bounded (size, nesting, string and number lengths, no duplicate keys) and a bad one is refused with one line saying
 * what is wrong, never with a parser's exception text.
 */
final class AlertFormats {
    /** The largest payload accepted. */
    static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_DEPTH = 32;
    static final int MAX_STRING = 256 * 1024;
    /** The longest group key kept (Alertmanager's are label sets; longer ones are refused). */
    static final int MAX_KEY = 4096;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING).maxNumberLength(64).maxNameLength(4096).maxDocumentLength(MAX_BYTES)
                    .build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private AlertFormats() {
    }

    /**
     * Parses {@code body} as {@code format} (one of {@link ir.store.AlertIntake#FORMATS}), or detects the format when
     * it is null. A usage error says what is wrong.
     */
    static Notification parse(String format, byte[] body) {
        if (format != null && !AlertIntake.FORMATS.contains(format)) {
            throw IrException.usage("unknown alert format '" + format + "': use one of "
                    + String.join(", ", AlertIntake.FORMATS));
        }
        if (body.length > MAX_BYTES) {
            throw IrException.usage("the payload is over the limit of 1 MiB (" + MAX_BYTES + " bytes)");
        }
        JsonNode root = read(body, format);
        if (!root.isObject()) {
            throw IrException.usage(what(format) + " must be a JSON object");
        }
        String f = format != null ? format : detect(root);
        return switch (f) {
            case "alertmanager", "grafana" -> alertmanager(f, root);
            case "pagerduty" -> pagerduty(root);
            default -> generic(root);
        };
    }

    /** The format of a payload given without one, or a usage error that asks for {@code --format}. */
    static String detect(JsonNode root) {
        if (root.path("event").isObject() && root.path("event").has("event_type")) {
            return "pagerduty";
        }
        if (root.has("groupKey") || root.path("alerts").isArray() && root.has("receiver")) {
            return root.has("orgId") || "1".equals(root.path("version").asText()) ? "grafana" : "alertmanager";
        }
        if (root.has("group")) {
            return "json";
        }
        throw IrException.usage("cannot tell the payload's format (no 'groupKey', 'event.event_type' or 'group'): "
                + "give it with --format " + String.join("|", AlertIntake.FORMATS));
    }

    private static JsonNode read(byte[] body, String format) {
        if (body.length == 0) {
            throw IrException.usage(what(format) + " is empty");
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonNode n = JSON.readTree(p);
            if (n == null) {
                throw IrException.usage(what(format) + " is empty");
            }
            if (p.nextToken() != null) {
                throw IrException.usage(what(format) + " has more after its JSON value");
            }
            return n;
        } catch (StreamConstraintsException e) {
            throw IrException.usage(what(format) + " is over the limits for a payload (nesting depth " + MAX_DEPTH
                    + ", strings of " + MAX_STRING / 1024 + " KiB, numbers of 64 digits)");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            boolean dup = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
            throw IrException.usage(what(format) + (dup ? " has a duplicate key" : " is not valid JSON")
                    + (at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + ")" : ""));
        } catch (IOException e) {
            throw IrException.usage(what(format) + " cannot be read");
        }
    }

    private static String what(String format) {
        return format == null ? "the payload" : "the " + format + " payload";
    }

    // ---- Alertmanager webhook version 4, Grafana alerting webhook -------------------------------------------------

    private static Notification alertmanager(String source, JsonNode root) {
        String w = what(source);
        String version = root.path("version").asText("");
        if (source.equals("alertmanager") && !version.isEmpty() && !version.equals("4")) {
            throw IrException.usage(w + " has version '" + clip(version) + "': ir reads Alertmanager's webhook "
                    + "version 4");
        }
        String groupKey = requiredText(root, "groupKey", w);
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw IrException.usage(w + " has no 'alerts' list");
        }
        List<Alert> list = new ArrayList<>();
        int k = 0;
        for (JsonNode a : alerts) {
            String at = w + ": alerts[" + k++ + "]";
            if (!a.isObject()) {
                throw IrException.usage(at + " must be an object");
            }
            String status = status(a.get("status"), at);
            Map<String, String> labels = stringMap(a.get("labels"), at + ".labels");
            Map<String, String> annotations = stringMap(a.get("annotations"), at + ".annotations");
            String fp = optionalText(a, "fingerprint", at);
            if (fp == null) {
                fp = fingerprint(labels);
            }
            list.add(new Alert(fp, status, labels, annotations, time(a.get("startsAt"), at + ".startsAt"),
                    time(a.get("endsAt"), at + ".endsAt"), optionalText(a, "generatorURL", at)));
        }
        Map<String, String> labels = new LinkedHashMap<>(stringMap(root.get("groupLabels"), w + ": groupLabels"));
        labels.putAll(stringMap(root.get("commonLabels"), w + ": commonLabels"));
        Map<String, String> annotations = stringMap(root.get("commonAnnotations"), w + ": commonAnnotations");
        String status = root.has("status") ? status(root.get("status"), w) : list.stream().anyMatch(Alert::firing)
                ? Alert.FIRING : Alert.RESOLVED;
        String title = first(annotations.get("summary"), annotations.get("title"), grafanaTitle(root),
                labels.get("alertname"), list.isEmpty() ? null : list.get(0).labels().get("alertname"),
                source.equals("grafana") ? "Grafana alert" : "Alertmanager alert group");
        List<String> links = new ArrayList<>();
        if (annotations.get("runbook_url") != null) {
            links.add(annotations.get("runbook_url"));
        }
        for (Alert a : list) {
            String runbook = a.annotations().get("runbook_url");
            if (runbook != null && !runbook.isBlank() && !links.contains(runbook) && links.size() < 5) {
                links.add(runbook);
            }
        }
        return new Notification(source, groupKey, status, title, labels, annotations,
                plainFields(root), list, null, null, first(annotations.get("description"), null), links);
    }

    /** Grafana's title without its state prefix ({@code [FIRING:1] High memory usage} is {@code High memory usage}). */
    private static String grafanaTitle(JsonNode root) {
        JsonNode t = root.get("title");
        if (t == null || !t.isTextual()) {
            return null;
        }
        return t.asText().replaceFirst("^\\s*\\[[A-Za-z]+(:\\d+)?\\]\\s*", "");
    }

    // ---- PagerDuty webhooks v3 ------------------------------------------------------------------------------------

    private static Notification pagerduty(JsonNode root) {
        String w = what("pagerduty");
        JsonNode event = root.get("event");
        if (event == null || !event.isObject()) {
            throw IrException.usage(w + " has no 'event' object (a PagerDuty webhook v3 payload)");
        }
        String type = requiredText(event, "event_type", w + ": event");
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw IrException.usage(w + ": event has no 'data' object");
        }
        Instant occurred = event.has("occurred_at") ? time(event.get("occurred_at"), w + ": event.occurred_at") : null;
        // Events about a note, a responder or a status update carry the incident as a reference in data.incident.
        JsonNode incident = data.path("incident").isObject() && !"incident".equals(data.path("type").asText())
                ? data.get("incident") : data;
        String id = requiredText(incident, "id", w + ": event.data" + (incident == data ? "" : ".incident"));
        Map<String, Object> fields = plainFields(event);
        if (!type.startsWith("incident.")) {
            // Valid, but not about an incident (a service changed, ...): nothing to record.
            return new Notification("pagerduty", id, "ignored", "PagerDuty " + clip(type), Map.of(), Map.of(),
                    fields, List.of(), null, occurred, null, List.of());
        }
        String dataStatus = incident == data ? data.path("status").asText("") : "";
        String status = switch (type) {
            case "incident.acknowledged" -> Alert.ACKNOWLEDGED;
            case "incident.resolved" -> Alert.RESOLVED;
            case "incident.triggered", "incident.reopened", "incident.unacknowledged" -> Alert.FIRING;
            default -> switch (dataStatus) {
                case "acknowledged" -> Alert.ACKNOWLEDGED;
                case "resolved" -> Alert.RESOLVED;
                default -> Alert.FIRING;
            };
        };
        Map<String, String> labels = new LinkedHashMap<>();
        putText(labels, "service", data.path("service").path("summary"));
        putText(labels, "urgency", data.path("urgency"));
        putText(labels, "priority", data.path("priority").path("summary"));
        putText(labels, "incident_key", data.path("incident_key"));
        putText(labels, "status", data.path("status"));
        labels.put("event_type", type);
        Map<String, String> annotations = new TreeMap<>();
        putText(annotations, "title", data.path("title"));
        putText(annotations, "priority", data.path("priority").path("summary"));
        putText(annotations, "urgency", data.path("urgency"));
        if (incident != data) {
            putText(annotations, "note", data.path("content"));
        }
        Map<String, String> alertLabels = new LinkedHashMap<>(labels);
        alertLabels.remove("event_type");
        alertLabels.remove("status");
        alertLabels.put("alertname", first(data.path("title").isTextual() ? data.path("title").asText() : null,
                "PagerDuty incident " + id));
        Instant created = data.has("created_at") ? time(data.get("created_at"), w + ": event.data.created_at") : null;
        String link = incident.path("html_url").isTextual() ? incident.path("html_url").asText() : null;
        Alert alert = new Alert(id, status, alertLabels, annotations, created != null ? created : occurred, null, link);
        String title = first(data.path("title").isTextual() ? data.path("title").asText() : null,
                "PagerDuty incident " + id);
        return new Notification("pagerduty", id, status, title, labels, Map.of(), fields, List.of(alert),
                type.equals("incident.acknowledged") ? occurred : null, occurred, null,
                link == null ? List.of() : List.of(link));
    }

    // ---- ir's generic JSON ----------------------------------------------------------------------------------------

    private static Notification generic(JsonNode root) {
        String w = what("json");
        String group = requiredText(root, "group", w);
        Map<String, String> labels = stringMap(root.get("labels"), w + ": labels");
        Map<String, String> annotations = stringMap(root.get("annotations"), w + ": annotations");
        List<Alert> list = new ArrayList<>();
        JsonNode alerts = root.get("alerts");
        if (alerts != null && !alerts.isNull()) {
            if (!alerts.isArray()) {
                throw IrException.usage(w + ": 'alerts' must be a list");
            }
            int k = 0;
            for (JsonNode a : alerts) {
                String at = w + ": alerts[" + k++ + "]";
                if (!a.isObject()) {
                    throw IrException.usage(at + " must be an object");
                }
                Map<String, String> al = new LinkedHashMap<>(labels);
                al.putAll(stringMap(a.get("labels"), at + ".labels"));
                String id = optionalText(a, "id", at);
                list.add(new Alert(id != null ? id : fingerprint(al), a.has("status") ? status(a.get("status"), at)
                        : Alert.FIRING, al, stringMap(a.get("annotations"), at + ".annotations"),
                        time(a.get("starts_at"), at + ".starts_at"), time(a.get("ends_at"), at + ".ends_at"),
                        optionalText(a, "link", at)));
            }
        } else {
            list.add(new Alert(group, root.has("status") ? status(root.get("status"), w) : Alert.FIRING, labels,
                    annotations, time(root.get("starts_at"), w + ": starts_at"), time(root.get("ends_at"),
                    w + ": ends_at"), optionalText(root, "link", w)));
        }
        String title = first(optionalText(root, "title", w), annotations.get("summary"), labels.get("alertname"),
                group);
        String status = root.has("status") ? status(root.get("status"), w)
                : list.stream().anyMatch(Alert::firing) ? Alert.FIRING : Alert.RESOLVED;
        Instant acked = time(root.get("acknowledged_at"), w + ": acknowledged_at");
        String link = optionalText(root, "link", w);
        return new Notification("json", group, status, title, labels, annotations, plainFields(root), list, acked,
                null, optionalText(root, "summary", w), link == null ? List.of() : List.of(link));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static String status(JsonNode v, String where) {
        String s = v == null || !v.isTextual() ? "" : v.asText().strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "firing", "alerting", "triggered" -> Alert.FIRING;
            case "resolved", "ok" -> Alert.RESOLVED;
            case "acknowledged" -> Alert.ACKNOWLEDGED;
            default -> throw IrException.usage(where + " has status '" + clip(v == null ? "" : v.asText())
                    + "': use firing or resolved");
        };
    }

    private static String requiredText(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank()) {
            throw IrException.usage(where + " has no '" + key + "'");
        }
        String s = v.asText();
        if (s.length() > MAX_KEY) {
            throw IrException.usage(where + ": '" + key + "' is longer than " + MAX_KEY + " characters");
        }
        return s;
    }

    private static String optionalText(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw IrException.usage(where + ": '" + key + "' must be a string");
        }
        String s = v.asText();
        return s.isBlank() ? null : s;
    }

    private static Map<String, String> stringMap(JsonNode v, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw IrException.usage(where + " must be an object of names to strings");
        }
        v.fields().forEachRemaining(f -> {
            if (!f.getValue().isValueNode()) {
                throw IrException.usage(where + ": '" + clip(f.getKey()) + "' must be a string");
            }
            if (!f.getValue().isNull()) {
                out.put(f.getKey(), f.getValue().asText());
            }
        });
        return out;
    }

    private static void putText(Map<String, String> m, String key, JsonNode v) {
        if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank()) {
            m.put(key, v.asText());
        }
    }

    /** An RFC 3339 time (any offset, any fraction of a second), or null when absent. */
    private static Instant time(JsonNode v, String where) {
        if (v == null || v.isNull() || v.isTextual() && v.asText().isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.asText().strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw IrException.usage(where + " is '" + clip(v.asText()) + "', not an RFC 3339 time such as "
                    + "2025-05-01T11:52:00Z");
        }
    }

    private static Map<String, Object> plainFields(JsonNode root) {
        Map<String, Object> out = new LinkedHashMap<>();
        root.fields().forEachRemaining(f -> out.put(f.getKey(), IncidentCodec.plain(f.getValue())));
        return out;
    }

    /** A fingerprint for an alert without one: a hash of its sorted labels, as Alertmanager's own is. */
    private static String fingerprint(Map<String, String> labels) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(new TreeMap<>(labels).toString()
                    .getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                sb.append(String.format("%02x", h[i]));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** A value from the payload quoted in a message: one line, at most 60 characters. */
    private static String clip(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", " ");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }
}
