package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Practice incidents played from a scenario file ({@code drills/*.yaml}, see docs/drills.md): the scenario, the
 * state of a drill being played (kept in the drill incident's file under {@link #KEY}), which injects are due, and the
 * scorecard that compares the drill's own timeline with what the scenario expects.
 *
 * <p>A drill needs no long-lived process: its start time, speed and seed are recorded, so the injects due at any
 * moment follow from the clock alone; whichever command delivers them ({@code ir drill next}, a {@code ir drill}
 * command, the game master's {@code ir drill start --play} loop) records what it delivered, and the next one does not
 * deliver it again.
 */
public final class Drill {
    /** The drill incident's key holding {@link State}. */
    public static final String KEY = "drill_scenario";
    /** The drill incident's key holding the scorecard recorded when the drill ended (for the debrief). */
    public static final String SCORE = "drill_score";
    /** The attribute a timeline entry made by an inject carries: the inject's index in the scenario. */
    public static final String INJECT = "drill_inject";
    /** The most a seed moves an inject: a tenth of its offset either way. */
    public static final double JITTER = 0.1;

    private Drill() {
    }

    public enum Kind {
        ALERT, SAY, REVEAL;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One inject: {@code after} its offset from the drill's start (scenario time); an alert ({@code format} one of the
     * intake formats or null to detect it, {@code payload} its JSON), a message {@code text} {@code from} a named
     * source, or a reveal ({@code text} given when asked with one of {@code words}).
     */
    public record Inject(int index, Duration after, Kind kind, String format, String payload, String from,
                         String text, List<String> words, int line) {
        public Inject {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(kind, "kind");
            words = words == null ? List.of() : List.copyOf(words);
        }

        /** A one-line description for lists and messages. */
        public String describe() {
            return switch (kind) {
                case ALERT -> "alert" + (format == null ? "" : " (" + format + ")");
                case SAY -> "message from " + from;
                case REVEAL -> "reveal (" + String.join(", ", words) + ")";
            };
        }
    }

    /** What the team is expected to do, each a scenario-time limit (null: not expected). */
    public record Expect(Duration commanderWithin, Duration severityWithin, Duration firstUpdateWithin,
                         Duration updateEvery, Duration mitigatedWithin, boolean postmortem,
                         Map<String, Duration> roles, boolean checklist) {
        public Expect {
            roles = roles == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        }

        public static final Expect NONE = new Expect(null, null, null, null, null, false, Map.of(), false);
    }

    /** A parsed scenario; {@code name} is its file name without {@code .yaml}, {@code digest} its SHA-256. */
    public record Scenario(String name, String title, String severity, String briefing, String gameMaster,
                           List<Inject> injects, Expect expect, String digest) {
        public Scenario {
            injects = List.copyOf(injects);
            expect = expect == null ? Expect.NONE : expect;
        }
    }

    /** A problem in a scenario file, at a line (0 when it cannot be told). */
    public record Problem(int line, String what) {
    }

    /**
     * The state of a drill being played: the scenario it plays (name and digest), its speed and seed, when it started
     * (the incident's opening), the indices of the injects delivered, and whether the game master ended it.
     */
    public record State(String scenario, String digest, int speed, Long seed, Instant startedAt,
                        List<Integer> delivered, Instant endedAt) {
        public State {
            delivered = List.copyOf(new LinkedHashSet<>(delivered));
            if (speed < 1) {
                throw new IllegalArgumentException("speed " + speed);
            }
        }

        public boolean delivered(int index) {
            return delivered.contains(index);
        }

        public State deliver(List<Integer> indices) {
            List<Integer> d = new ArrayList<>(delivered);
            d.addAll(indices);
            return new State(scenario, digest, speed, seed, startedAt, d, endedAt);
        }

        public State end(Instant at) {
            return new State(scenario, digest, speed, seed, startedAt, delivered, at);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", scenario);
            m.put("digest", digest);
            m.put("speed", speed);
            if (seed != null) {
                m.put("seed", seed);
            }
            m.put("started_at", Times.format(startedAt));
            m.put("delivered", delivered);
            if (endedAt != null) {
                m.put("ended_at", Times.format(endedAt));
            }
            return m;
        }
    }

    /** The drill state recorded on {@code i}, or null when it was not started from a scenario. */
    public static State state(Incident i) {
        if (!(i.extra().get(KEY) instanceof Map<?, ?> m) || m.get("name") == null) {
            return null;
        }
        try {
            List<Integer> delivered = new ArrayList<>();
            if (m.get("delivered") instanceof List<?> l) {
                l.forEach(x -> delivered.add(Integer.parseInt(String.valueOf(x))));
            }
            Object seed = m.get("seed");
            Object speed = m.get("speed");
            Object started = m.get("started_at");
            Object ended = m.get("ended_at");
            return new State(String.valueOf(m.get("name")), m.get("digest") == null ? null
                    : String.valueOf(m.get("digest")), speed == null ? 1 : Integer.parseInt(String.valueOf(speed)),
                    seed == null ? null : Long.parseLong(String.valueOf(seed)),
                    started == null ? i.openedAt() : Instant.parse(String.valueOf(started)), delivered,
                    ended == null ? null : Instant.parse(String.valueOf(ended)));
        } catch (RuntimeException e) {
            throw IrException.usage(i.id() + ": its '" + KEY + "' is damaged (" + e.getMessage()
                    + "): restore it with git");
        }
    }

    public static Incident withState(Incident i, State s) {
        Map<String, Object> extra = new LinkedHashMap<>(i.extra());
        extra.put(KEY, s.toMap());
        return i.withExtra(extra);
    }

    /** An inject's offset in scenario time, moved by the seed (at most {@link #JITTER} of it either way). */
    public static Duration offset(Inject inject, Long seed) {
        if (seed == null) {
            return inject.after();
        }
        double f = 1 + (new Random(seed * 31 + inject.index()).nextDouble() * 2 - 1) * JITTER;
        return Duration.ofMillis(Math.round(inject.after().toMillis() * f));
    }

    /** When an inject falls due in real time: the start plus its offset divided by the speed. */
    public static Instant dueAt(Inject inject, State s) {
        return s.startedAt().plus(offset(inject, s.seed()).dividedBy(s.speed()));
    }

    /** The undelivered injects due at {@code now}, in order (reveals wait to be asked for or given). */
    public static List<Inject> due(Scenario sc, State s, Instant now) {
        if (s.endedAt() != null) {
            return List.of();
        }
        return pending(sc, s).stream().filter(x -> x.kind() != Kind.REVEAL && !dueAt(x, s).isAfter(now)).toList();
    }

    /** The undelivered injects, in the order they fall due. */
    public static List<Inject> pending(Scenario sc, State s) {
        List<Inject> out = new ArrayList<>(sc.injects().stream().filter(x -> !s.delivered(x.index())).toList());
        out.sort(java.util.Comparator.comparing((Inject x) -> dueAt(x, s)).thenComparing(Inject::index));
        return out;
    }

    /** The undelivered reveal that a question answers: the one sharing most words with it, or null. */
    public static Inject answer(Scenario sc, State s, String question) {
        Set<String> asked = words(question);
        Inject best = null;
        int bestScore = 0;
        for (Inject x : sc.injects()) {
            if (x.kind() != Kind.REVEAL) {
                continue;
            }
            int n = 0;
            for (String w : x.words()) {
                Set<String> ws = words(w);
                if (!ws.isEmpty() && asked.containsAll(ws)) {
                    n++;
                }
            }
            if (n > bestScore || n == bestScore && n > 0 && best != null && s.delivered(best.index())
                    && !s.delivered(x.index())) {
                best = x;
                bestScore = n;
            }
        }
        return best;
    }

    /** Lower-case words of a text (letters and digits), for matching questions with reveals. */
    static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    // ---- the scorecard ---------------------------------------------------------------------------------------

    public static final String MET = "met";
    public static final String MISSED = "missed";
    public static final String PENDING = "pending";

    /**
     * One expectation: its name, the limit (scenario time), the measured time (scenario time, null when it never
     * happened) and the verdict ({@link #MET}, {@link #MISSED}, or {@link #PENDING} while the drill may still meet it).
     */
    public record Result(String expectation, Duration limit, Duration measured, String verdict, String detail) {
        public boolean met() {
            return MET.equals(verdict);
        }
    }

    /** What a role's people did: each person and how many timeline entries they wrote. */
    public record RoleActivity(String role, String person, int entries) {
    }

    public record Scorecard(String incident, String scenario, int speed, List<Result> results,
                            List<RoleActivity> roles) {
        public long met() {
            return results.stream().filter(Result::met).count();
        }

        public long missed() {
            return results.stream().filter(r -> MISSED.equals(r.verdict())).count();
        }
    }

    /**
     * Compares the drill's timeline with {@code sc}'s expectations, at {@code now} (or the drill's end): times are
     * measured from the start and multiplied by the speed, so a drill played at {@code --speed 60} is scored in the
     * scenario's minutes.
     */
    public static Scorecard score(Incident i, Scenario sc, State s, IrConfig config, Instant now) {
        Instant end = s.endedAt() != null && s.endedAt().isBefore(now) ? s.endedAt() : now;
        boolean over = s.endedAt() != null || Lifecycle.isDone(config, i.status());
        Expect x = sc.expect();
        List<Result> out = new ArrayList<>();
        List<TimelineEvent> tl = i.sortedTimeline();
        if (x.commanderWithin() != null) {
            out.add(result("commander_within", x.commanderWithin(), roleAssigned(i, tl, "commander"), s, end, over,
                    "commander assigned"));
        }
        for (Map.Entry<String, Duration> r : x.roles().entrySet()) {
            out.add(result("roles." + r.getKey(), r.getValue(), roleAssigned(i, tl, r.getKey()), s, end, over,
                    r.getKey() + " assigned"));
        }
        if (x.severityWithin() != null && sc.severity() != null) {
            out.add(result("severity_within", x.severityWithin(), severityReached(i, tl, config, sc.severity()), s,
                    end, over, "severity " + sc.severity() + " or worse"));
        }
        List<Instant> updates = tl.stream().filter(e -> Updates.EVENT.equals(e.type())).map(TimelineEvent::at)
                .toList();
        if (x.firstUpdateWithin() != null) {
            out.add(result("first_update_within", x.firstUpdateWithin(), updates.isEmpty() ? null : updates.get(0),
                    s, end, over, "first stakeholder update"));
        }
        if (x.updateEvery() != null) {
            out.add(cadence(x.updateEvery(), updates, i, s, end, over));
        }
        if (x.mitigatedWithin() != null) {
            out.add(result("mitigated_within", x.mitigatedWithin(), i.time(Milestone.MITIGATED), s, end, over,
                    "impact mitigated"));
        }
        if (x.checklist()) {
            for (Checklists.State st : Checklists.states(i)) {
                if (st.item().within() == null) {
                    continue;
                }
                Instant done = st.open() ? null : st.at();
                out.add(result("checklist." + st.item().id(), st.item().within(), done, s, end, over,
                        st.item().text()));
            }
        }
        if (x.postmortem()) {
            boolean written = Postmortems.renderedSha256(i) != null;
            out.add(new Result("postmortem", null, null, written ? MET : over ? MISSED : PENDING,
                    written ? "debrief written" : "no debrief written (ir postmortem)"));
        }
        return new Scorecard(i.id(), sc.name(), s.speed(), out, roles(i));
    }

    private static Result result(String name, Duration limit, Instant at, State s, Instant end, boolean over,
                                 String what) {
        if (at != null) {
            Duration d = scenarioTime(s, at);
            return new Result(name, limit, d, d.compareTo(limit) <= 0 ? MET : MISSED, what);
        }
        boolean late = scenarioTime(s, end).compareTo(limit) > 0;
        return new Result(name, limit, null, late || over ? MISSED : PENDING, what + ": not yet");
    }

    /** The longest gap between stakeholder updates, and from the last one to mitigation (or now). */
    private static Result cadence(Duration every, List<Instant> updates, Incident i, State s, Instant end,
                                  boolean over) {
        if (updates.isEmpty()) {
            boolean late = scenarioTime(s, end).compareTo(every) > 0;
            return new Result("update_every", every, null, late || over ? MISSED : PENDING, "no update sent");
        }
        Instant stop = i.time(Milestone.MITIGATED) != null ? i.time(Milestone.MITIGATED) : end;
        Duration worst = Duration.ZERO;
        Instant prev = updates.get(0);
        List<Instant> marks = new ArrayList<>(updates.subList(1, updates.size()));
        if (stop.isAfter(prev)) {
            marks.add(stop);
        }
        for (Instant t : marks) {
            if (t.isAfter(prev)) {
                Duration gap = Duration.between(prev, t).multipliedBy(s.speed());
                worst = gap.compareTo(worst) > 0 ? gap : worst;
                prev = t;
            }
        }
        return new Result("update_every", every, worst, worst.compareTo(every) <= 0 ? MET : MISSED,
                "longest gap between updates (" + updates.size() + " sent)");
    }

    /** Real time since the start, in scenario time (times the speed); never negative. */
    public static Duration scenarioTime(State s, Instant at) {
        Duration d = Duration.between(s.startedAt(), at);
        return d.isNegative() ? Duration.ZERO : d.multipliedBy(s.speed());
    }

    private static Instant roleAssigned(Incident i, List<TimelineEvent> tl, String role) {
        for (TimelineEvent e : tl) {
            if (TimelineEvent.ROLE.equals(e.type()) && role.equalsIgnoreCase(e.attr("role")) && e.attr("to") != null) {
                return e.at();
            }
        }
        List<String> people = i.roles().get(role);
        return people != null && !people.isEmpty() ? i.openedAt() : null;
    }

    private static Instant severityReached(Incident i, List<TimelineEvent> tl, IrConfig config, String wanted) {
        int target = config.rank(wanted);
        for (TimelineEvent e : tl) {
            String sev = TimelineEvent.DECLARED.equals(e.type()) ? e.attr("severity")
                    : TimelineEvent.SEVERITY.equals(e.type()) ? e.attr("to") : null;
            if (sev != null && config.rank(sev) <= target) {
                return e.at();
            }
        }
        return null;
    }

    private static List<RoleActivity> roles(Incident i) {
        Map<String, Integer> entries = new LinkedHashMap<>();
        for (TimelineEvent e : i.timeline()) {
            if (e.author() != null) {
                entries.merge(e.author(), 1, Integer::sum);
            }
        }
        List<RoleActivity> out = new ArrayList<>();
        i.roles().forEach((role, people) -> {
            for (String p : people) {
                out.add(new RoleActivity(role, p, entries.getOrDefault(p, 0)));
            }
        });
        return out;
    }

    // ---- a scenario from a past incident ---------------------------------------------------------------------

    /**
     * A scenario that replays a past incident: each of its alert entries an alert inject (ir's generic JSON, the same
     * alert identity, state, labels and annotations) at its offset from the incident's start, its important entries
     * (else its first notes) messages from their authors, and its root cause, trigger and resolution the game
     * master's notes. {@code json} writes a payload (the model writes no JSON itself).
     */
    public static Scenario fromIncident(Incident i, java.util.function.Function<Object, String> json) {
        List<TimelineEvent> tl = i.sortedTimeline();
        Instant base = i.openedAt();
        for (TimelineEvent e : tl) {
            if (AlertMapping.ALERT.equals(e.type()) && e.at().isBefore(base)) {
                base = e.at();
            }
        }
        List<Inject> injects = new ArrayList<>();
        String group = "replay-" + i.id();
        for (TimelineEvent e : tl) {
            String state = e.attr("state");
            if (!AlertMapping.ALERT.equals(e.type()) || e.attr("fingerprint") == null
                    || !(Alert.FIRING.equals(state) || Alert.RESOLVED.equals(state))) {
                continue;
            }
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put("id", e.attr("fingerprint"));
            alert.put("status", state);
            if (e.attrs().get("labels") instanceof Map<?, ?> l) {
                alert.put("labels", l);
            }
            if (e.attrs().get("annotations") instanceof Map<?, ?> a) {
                alert.put("annotations", a);
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("group", group);
            payload.put("title", i.title());
            payload.put("alerts", List.of(alert));
            injects.add(new Inject(injects.size(), offsetOf(base, e.at()), Kind.ALERT, "json",
                    json.apply(payload), null, null, List.of(), 0));
        }
        List<TimelineEvent> said = tl.stream().filter(e -> e.important() && e.text() != null
                && !AlertMapping.ALERT.equals(e.type()) && !TimelineEvent.DECLARED.equals(e.type())).toList();
        if (said.isEmpty()) {
            said = tl.stream().filter(e -> TimelineEvent.NOTE.equals(e.type()) && e.text() != null).limit(5)
                    .toList();
        }
        for (TimelineEvent e : said) {
            injects.add(new Inject(injects.size(), offsetOf(base, e.at()), Kind.SAY, null, null,
                    e.author() == null ? "a responder" : e.author(), e.text(), List.of(), 0));
        }
        injects.sort(java.util.Comparator.comparing(Inject::after));
        List<Inject> numbered = new ArrayList<>();
        for (Inject x : injects) {
            numbered.add(new Inject(numbered.size(), x.after(), x.kind(), x.format(), x.payload(), x.from(),
                    x.text(), x.words(), 0));
        }
        StringBuilder gm = new StringBuilder("Replayed from " + i.id() + " (" + i.severity() + ", opened "
                + Times.format(i.openedAt()) + ").");
        for (TextField f : List.of(TextField.TRIGGER, TextField.ROOT_CAUSE, TextField.RESOLUTION)) {
            String t = i.text(f);
            if (t != null && !t.isBlank()) {
                gm.append("\n").append(f.key().replace('_', ' ')).append(": ").append(t.strip());
            }
        }
        Instant mitigated = i.time(Milestone.MITIGATED);
        Duration mw = mitigated == null ? Duration.ofHours(1)
                : roundUp(Duration.between(base, mitigated).isNegative() ? Duration.ZERO
                : Duration.between(base, mitigated));
        if (mitigated != null) {
            gm.append("\nThe team mitigated it after ").append(Cadence.formatDuration(mw)).append('.');
        }
        Expect expect = new Expect(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(10),
                Duration.ofMinutes(30), mw, true, Map.of(), false);
        return new Scenario(i.id(), "Replay: " + i.title(), i.severity(), "A replay of a past incident. You are on "
                + "call: watch for alerts with 'ir show', and respond as you would for real.", gm.toString(),
                numbered, expect, null);
    }

    private static Duration offsetOf(Instant base, Instant at) {
        Duration d = Duration.between(base, at);
        return d.isNegative() ? Duration.ZERO : Duration.ofSeconds(d.getSeconds());
    }

    private static Duration roundUp(Duration d) {
        long m = (d.getSeconds() + 59) / 60;
        return Duration.ofMinutes(Math.max(1, m));
    }
}
