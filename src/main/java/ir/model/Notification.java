package ir.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One parsed alert payload (an Alertmanager or Grafana webhook, a PagerDuty webhook event, ir's generic JSON): the
 * group it belongs to, the group's labels (what routing rules match first), the payload's own fields (what dotted
 * rule keys and title templates read), and its alerts.
 *
 * @param source         the format it came in: {@code alertmanager}, {@code grafana}, {@code pagerduty}, {@code json}
 * @param groupKey       the group's identity in its source (Alertmanager's {@code groupKey}, PagerDuty's incident id)
 * @param title          the title the payload suggests (used when no rule gives one), never blank
 * @param labels         the group's labels (Alertmanager: {@code groupLabels} and {@code commonLabels})
 * @param annotations    the group's annotations (Alertmanager: {@code commonAnnotations})
 * @param fields         the payload's fields as plain maps, lists and scalars
 * @param acknowledgedAt when the group was acknowledged at its source (PagerDuty), or null
 * @param occurredAt     when the source says the notified change happened, or null
 * @param summary        a longer description for a new incident's summary, or null
 * @param links          links worth keeping on the incident (runbook, the source's page)
 */
public record Notification(String source, String groupKey, String status, String title, Map<String, String> labels,
                           Map<String, String> annotations, Map<String, Object> fields, List<Alert> alerts,
                           Instant acknowledgedAt, Instant occurredAt, String summary, List<String> links) {
    public Notification {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(groupKey, "groupKey");
        labels = Maps.copy(labels);
        annotations = Maps.copy(annotations);
        fields = Maps.copy(fields);
        alerts = List.copyOf(alerts);
        links = links == null ? List.of() : List.copyOf(links);
    }

    /** Whether any alert of this notification is firing (or acknowledged, still open). */
    public boolean firing() {
        return alerts.stream().anyMatch(Alert::firing);
    }
}
