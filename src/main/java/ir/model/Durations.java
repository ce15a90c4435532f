package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durations a post-mortem and the stats need, computed from the milestones and the impact windows. Impact begins
 * at {@code started_at} (falling back to detected, then opened); the impact duration is the sum of the impact windows
 * (see {@link Phases}), an open one counted to now. Time to mitigate runs from the first start to the last mitigation.
 *
 * @param toDetect      started → detected
 * @param toAcknowledge detected (or started) → acknowledged
 * @param toMitigate    impact start → mitigated
 * @param toResolve     impact start → resolved
 * @param impact        the sum of the impact windows (an open one → now)
 * @param impactOngoing true when {@code impact} is counted up to now
 * @param severities    time spent at each severity, in the order they were held
 */
public record Durations(Duration toDetect, Duration toAcknowledge, Duration toMitigate, Duration toResolve,
                        Duration impact, boolean impactOngoing, List<SeverityPeriod> severities) {

    /** A span of the incident at one severity. */
    public record SeverityPeriod(String severity, Instant from, Instant to, Duration duration) {
    }

    public static Durations of(Incident incident, Instant now) {
        Instant started = incident.time(Milestone.STARTED);
        Instant detected = incident.time(Milestone.DETECTED);
        Instant acknowledged = incident.time(Milestone.ACKNOWLEDGED);
        Instant mitigated = incident.time(Milestone.MITIGATED);
        Instant resolved = incident.time(Milestone.RESOLVED);
        Instant impactStart = first(started, detected, incident.openedAt());
        Instant impactEnd = mitigated != null ? mitigated : resolved;
        Duration windows = Phases.impact(incident, now);
        return new Durations(
                between(started, detected),
                between(first(detected, started), acknowledged),
                between(impactStart, mitigated),
                between(impactStart, resolved),
                windows != null ? windows : between(impactStart, impactEnd != null ? impactEnd : now),
                Phases.ongoing(incident),
                severityPeriods(incident, resolved != null ? resolved : now));
    }

    /** Named durations for display and JSON, in a stable order; absent ones are left out. */
    public Map<String, Duration> named() {
        Map<String, Duration> m = new LinkedHashMap<>();
        put(m, "time_to_detect", toDetect);
        put(m, "time_to_acknowledge", toAcknowledge);
        put(m, "time_to_mitigate", toMitigate);
        put(m, "time_to_resolve", toResolve);
        put(m, "impact_duration", impact);
        return m;
    }

    private static void put(Map<String, Duration> m, String k, Duration d) {
        if (d != null) {
            m.put(k, d);
        }
    }

    private static List<SeverityPeriod> severityPeriods(Incident incident, Instant end) {
        List<SeverityPeriod> out = new ArrayList<>();
        List<TimelineEvent> changes = incident.sortedTimeline().stream()
                .filter(e -> TimelineEvent.SEVERITY.equals(e.type()) && e.attr("to") != null).toList();
        Instant opened = incident.openedAt();
        if (opened == null) {
            return out;
        }
        String current = changes.isEmpty() ? incident.severity()
                : changes.get(0).attr("from") != null ? changes.get(0).attr("from") : incident.severity();
        // The incident held its first severity from impact start, or from its declaration if that came first.
        Instant started = incident.time(Milestone.STARTED);
        Instant from = started != null && started.isBefore(opened) ? started : opened;
        if (!changes.isEmpty() && changes.get(0).at().isBefore(from)) {
            from = changes.get(0).at();
        }
        for (TimelineEvent change : changes) {
            Instant to = change.at().isAfter(end) ? end : change.at();
            add(out, current, from, to);
            current = change.attr("to");
            from = to;
        }
        add(out, current, from, end.isBefore(from) ? from : end);
        return out;
    }

    private static void add(List<SeverityPeriod> out, String sev, Instant from, Instant to) {
        if (!out.isEmpty() && out.get(out.size() - 1).severity().equals(sev)) {
            SeverityPeriod last = out.remove(out.size() - 1);
            from = last.from();
        }
        out.add(new SeverityPeriod(sev, from, to, Duration.between(from, to)));
    }

    private static Duration between(Instant a, Instant b) {
        return a == null || b == null ? null : Duration.between(a, b);
    }

    private static Instant first(Instant... candidates) {
        for (Instant i : candidates) {
            if (i != null) {
                return i;
            }
        }
        return null;
    }

    /** Total time at each severity (a severity held twice is summed). */
    public Map<String, Duration> timeAtSeverity() {
        Map<String, Duration> m = new LinkedHashMap<>();
        for (SeverityPeriod p : severities) {
            m.merge(p.severity(), p.duration(), Duration::plus);
        }
        return m;
    }
}
