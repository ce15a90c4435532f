package ir.store;

import ir.model.AlertMapping;
import ir.model.Change;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.Lifecycle;
import ir.model.Notification;
import ir.model.TriggerRule;
import ir.model.Triggers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workspace's {@link AlertIntake}: payloads parsed by {@link AlertFormats}, routed by ir.yaml's
 * {@code triggers:} ({@link Triggers}), mapped to incidents by {@link AlertMapping}, and committed through the one
 * {@link Transaction} as ir.yaml's {@code intake.author}. The notifications of one alert group are applied in order
 * and committed together: one commit per changed incident, none when nothing is new.
 */
final class Intake implements AlertIntake {
    private final Backend backend;
    private final GitIncidentStore store;
    private final Session session;

    Intake(Backend backend, GitIncidentStore store, Session session) {
        this.backend = backend;
        this.store = store;
        this.session = session;
    }

    @Override
    public void check(Payload payload) {
        Notification n = AlertFormats.parse(payload.format(), payload.body());
        Triggers.route(backend.config().triggers(), n);
    }

    @Override
    public Incident applyTo(Incident incident, Payload payload) {
        IrConfig config = backend.config();
        Notification n = AlertFormats.parse(payload.format(), payload.body());
        TriggerRule rule = Triggers.route(config.triggers(), n);
        Instant at = payload.receivedAt() != null ? payload.receivedAt() : session.clock().instant();
        List<ir.model.Alert> alerts = new ArrayList<>();
        for (ir.model.Alert a : n.alerts()) {
            alerts.add(new ir.model.Alert(a.fingerprint(), a.status(), a.labels(), a.annotations(), at,
                    a.firing() ? null : at, a.link()));
        }
        Notification moved = new Notification(n.source(), n.groupKey(), n.status(), n.title(), n.labels(),
                n.annotations(), n.fields(), alerts, n.acknowledgedAt() == null ? null : at, at, n.summary(),
                n.links());
        return AlertMapping.apply(incident, moved, rule, config, at, config.intakeAuthor()).incident();
    }

    private record Item(Notification n, TriggerRule rule, Instant receivedAt) {
    }

    @Override
    public List<Outcome> record(List<Payload> payloads) {
        IrConfig config = backend.config();
        List<Outcome> out = new ArrayList<>();
        // Everything is parsed first: one bad payload refuses the lot, before anything is written.
        Map<AlertMapping.Group, List<Item>> groups = new LinkedHashMap<>();
        for (Payload p : payloads) {
            Notification n = AlertFormats.parse(p.format(), p.body());
            TriggerRule rule = Triggers.route(config.triggers(), n);
            if (rule.ignore()) {
                out.add(new Outcome(null, "ignored by " + rule.where(), false));
            } else if (n.alerts().isEmpty()) {
                out.add(new Outcome(null, "nothing new (no alerts in the payload)", false));
            } else {
                groups.computeIfAbsent(AlertMapping.group(n), g -> new ArrayList<>())
                        .add(new Item(n, rule, p.receivedAt() != null ? p.receivedAt() : session.clock().instant()));
            }
        }
        Session as = new Session(session.clock(), session.environment(), config.intakeAuthor(), session.warn(),
                session.lockTimeout(), session.umask());
        groups.forEach((g, items) -> out.addAll(recordGroup(g, items, config, as)));
        if (out.stream().anyMatch(Outcome::changed) && !config.channels().isEmpty()) {
            // ir serve runs for days: what the alerts queued is sent now, in the background, not at its exit.
            try {
                store.deliver(java.time.Duration.ZERO);
            } catch (RuntimeException e) {
                session.warn().accept("notifications not sent: " + e.getMessage() + " (see 'ir notify')");
            }
        }
        return out;
    }

    /** The notifications of one group, in order: a transaction per incident they change. */
    private List<Outcome> recordGroup(AlertMapping.Group g, List<Item> items, IrConfig config, Session as) {
        List<Outcome> out = new ArrayList<>();
        List<Item> pending = items;
        while (!pending.isEmpty()) {
            List<Item> batch = pending;
            int[] consumed = {0};
            Outcome[] outcome = {null};
            Transaction.run(backend, as, false, () -> {
                String author = config.intakeAuthor();
                Incident base = find(g, config);
                Incident cur = base;
                boolean opened = false;
                int firing = 0;
                int resolved = 0;
                int acked = 0;
                int updated = 0;
                List<String> notes = new ArrayList<>();
                Set<String> taken = new HashSet<>(backend.files().ids());
                for (Item it : batch) {
                    boolean fresh = cur == null;
                    if (!fresh && AlertMapping.refires(cur, it.n(), config)
                            && (it.rule().refire() == TriggerRule.OnRefire.NEW
                            || IrConfig.CANCELED.equals(cur.status()))) {
                        if (!cur.equals(base)) {
                            break; // commit what this incident got first; the rest goes to a new one
                        }
                        fresh = true;
                        base = null;
                    }
                    if (fresh) {
                        if (!it.n().firing()) {
                            consumed[0]++;
                            continue; // resolved alerts of a group without an incident: nothing to open
                        }
                        String title = AlertMapping.title(it.n(), it.rule());
                        String id = AlertMapping.newId(title, it.n(), it.receivedAt(), taken);
                        cur = AlertMapping.open(it.n(), it.rule(), config, id, title, it.receivedAt(), author);
                        opened = true;
                    }
                    AlertMapping.Step step = AlertMapping.apply(cur, it.n(), it.rule(), config, it.receivedAt(),
                            author);
                    cur = step.incident();
                    firing += step.firing();
                    resolved += step.resolved();
                    acked += step.acknowledged();
                    updated += step.updated();
                    step.notes().forEach(x -> {
                        if (!notes.contains(x)) {
                            notes.add(x);
                        }
                    });
                    consumed[0]++;
                }
                if (consumed[0] == 0) {
                    throw new IllegalStateException("no notification of the group was applied");
                }
                if (cur == null || cur.equals(base)) {
                    outcome[0] = new Outcome(cur == null ? null : cur.id(), "nothing new"
                            + (cur == null ? "" : " for " + cur.id()), false);
                    return null;
                }
                int n = firing + resolved + acked + updated;
                List<String> parts = new ArrayList<>();
                count(parts, firing, "firing");
                count(parts, resolved, "resolved");
                count(parts, acked, "acknowledged");
                count(parts, updated, "updated");
                String counts = String.join(", ", parts);
                String extra = String.join("; ", notes);
                String detail = counts + (counts.isEmpty() || extra.isEmpty() ? "" : "; ") + extra;
                String what = opened
                        ? "opened " + cur.id() + " (" + cur.severity() + (counts.isEmpty() ? "" : ", " + counts)
                        + (extra.isEmpty() ? "" : "; " + extra) + ")"
                        : n > 0 ? "added " + n + " alert" + (n == 1 ? "" : "s") + " to " + cur.id()
                        + (detail.equals(counts) && !counts.isEmpty() ? " (" + counts + ")"
                        : detail.isEmpty() ? "" : " (" + detail + ")")
                        : "updated " + cur.id() + (detail.isEmpty() ? "" : " (" + detail + ")");
                outcome[0] = new Outcome(cur.id(), what, true);
                String summary = n + " alert" + (n == 1 ? "" : "s") + " (" + (opened ? "opened " + cur.severity()
                        + (detail.isEmpty() ? "" : ", ") : "") + detail + ")";
                return store.plan(base, cur, new Change(cur, summary, AlertMapping.ALERT), Map.of());
            });
            out.add(outcome[0]);
            pending = batch.subList(consumed[0], batch.size());
        }
        return out;
    }

    private static void count(List<String> parts, int n, String what) {
        if (n > 0) {
            parts.add(n + " " + what);
        }
    }

    /**
     * The incident the group feeds: found among the incidents whose ID ends with the group's hash (as every incident a
     * group opened does), the one still open, else the latest.
     */
    private Incident find(AlertMapping.Group g, IrConfig config) {
        List<Incident> feeding = new ArrayList<>();
        for (String id : backend.files().ids()) {
            if (AlertMapping.mayBeFor(id, g)) {
                Incident i = backend.files().load(id);
                if (AlertMapping.feeds(i, g)) {
                    feeding.add(i);
                }
            }
        }
        Comparator<Incident> newest = Comparator.comparing(Incident::openedAt,
                Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(Incident::id);
        return feeding.stream().filter(i -> !Lifecycle.isDone(config, i.status())).max(newest)
                .orElseGet(() -> feeding.stream().max(newest).orElse(null));
    }

}
