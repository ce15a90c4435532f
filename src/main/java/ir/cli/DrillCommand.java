package ir.cli;

import ir.model.Cadence;
import ir.model.Change;
import ir.model.Drill;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.TextField;
import ir.model.TimelineEvent;
import ir.store.AlertIntake;
import ir.store.DrillFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ir drill}: practice incidents played from scenario files ({@code drills/*.yaml}, see docs/drills.md). A drill
 * records its start, speed and seed, so the injects due at any time follow from the clock: every {@code ir drill}
 * command first delivers those that fell due (and {@code ir drill start --play} keeps delivering them as they do).
 */
@Command(name = "drill", description = {"Practise: play a scenario from drills/ as a drill incident, its injects "
        + "(alerts, messages, reveals) arriving as time passes, then score the team against the scenario's "
        + "expectations.",
        "Actions: list; check FILE...; start SCENARIO; next; ask WORDS...; score; end; from INCIDENT. Every action "
                + "on a drill first delivers the injects that fell due; 'start --play' delivers them as they fall due "
                + "until the last. Drills notify only channels marked 'drills: true', never page, and stay out of "
                + "stats and 'ir check --all'. See docs/drills.md."},
        footer = {"", "Examples:", "  ir drill list", "  ir drill check drills/*.yaml",
                "  ir drill start bad-deploy --speed 10 --play", "  ir drill next",
                "  ir drill ask what changed in the last deploy", "  ir drill score --json", "  ir drill end",
                "  ir drill from 2026-11-28-checkout-errors -o drills/checkout-errors.yaml"})
public final class DrillCommand extends IrCommand {
    @Parameters(index = "0", paramLabel = "ACTION", description = "list, check, start, next, ask, score, end or "
            + "from.")
    String action;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARG", description = "check: scenario files; start: a "
            + "scenario (its name in drills/ or a file); ask: the question; from: the incident.")
    List<String> args = new ArrayList<>();

    @Option(names = "--speed", paramLabel = "N", description = "start: play N times faster than the scenario's "
            + "clock (a rehearsal: --speed 10). Expectations are scored in the scenario's time.")
    int speed = 1;

    @Option(names = "--seed", paramLabel = "S", description = "start: move each inject by up to a tenth of its "
            + "offset, the same way for the same seed (so a team cannot learn the timings by heart).")
    Long seed;

    @Option(names = "--play", description = "start: stay and deliver the injects as they fall due, until the last "
            + "(the game master's terminal).")
    boolean play;

    @Option(names = "--due", description = "next: deliver only the injects that fell due, not the next one early.")
    boolean dueOnly;

    @Mixin
    IncidentOption incident;

    @Option(names = "--json", description = "score: the scorecard as JSON; list: the scenarios as JSON.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "from: write the scenario to FILE "
            + "(default: standard output).")
    String output;

    @Override
    protected int run() throws Exception {
        String a = action.strip();
        return switch (a) {
            case "list" -> list();
            case "check" -> check();
            case "start" -> start();
            case "next" -> next();
            case "ask" -> ask();
            case "score" -> score();
            case "end" -> end();
            case "from" -> from();
            default -> throw IrException.usage("unknown action '" + Text.forTerminal(a) + "': use list, check, "
                    + "start, next, ask, score, end or from");
        };
    }

    // ---- scenarios -------------------------------------------------------------------------------------------

    private int list() {
        List<Path> files = DrillFiles.list(workspace());
        List<Object> rows = new ArrayList<>();
        for (Path f : files) {
            DrillFiles.Parsed p = DrillFiles.read(f, workspace().root());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", DrillFiles.name(f));
            m.put("file", workspace().display(f));
            m.put("title", p.ok() ? p.scenario().title() : null);
            m.put("severity", p.ok() ? p.scenario().severity() : null);
            m.put("injects", p.ok() ? p.scenario().injects().size() : 0);
            m.put("problems", p.problems().size());
            rows.add(m);
            if (!json) {
                out().println(DrillFiles.name(f) + "  " + (p.ok() ? (p.scenario().severity() == null ? ""
                        : p.scenario().severity() + "  ") + Text.forTerminal(p.scenario().title()) + "  ("
                        + p.scenario().injects().size() + " injects)"
                        : p.problems().size() + " problem(s): ir drill check " + workspace().display(f)));
            }
        }
        if (json) {
            out().println(store().json(rows));
        } else if (files.isEmpty()) {
            info("no scenarios in " + DrillFiles.DIR + "/ ('ir init' writes three; 'ir drill from INCIDENT' "
                    + "makes one from a past incident)");
        }
        return 0;
    }

    private int check() {
        if (args.isEmpty()) {
            throw IrException.usage("check what? give scenario files, e.g. ir drill check drills/*.yaml");
        }
        Path root = workspaceRoot();
        int bad = 0;
        for (String name : args) {
            Path f = env().cwd().resolve(name);
            if (!Files.isRegularFile(f)) {
                out().println(name + ":0: no such file");
                bad++;
                continue;
            }
            DrillFiles.Parsed p = DrillFiles.read(f, root);
            for (Drill.Problem problem : p.problems()) {
                out().println(name + ":" + problem.line() + ": " + Text.forTerminal(problem.what()));
            }
            if (!p.ok()) {
                bad++;
            }
        }
        info(bad == 0 ? args.size() + " scenario" + (args.size() == 1 ? "" : "s") + " ok"
                : bad + " of " + args.size() + " scenario" + (args.size() == 1 ? "" : "s") + " with problems");
        return bad == 0 ? 0 : 1;
    }

    /** The workspace's root, or the working directory outside one (check runs in CI on a plain checkout too). */
    private Path workspaceRoot() {
        try {
            return workspace().root();
        } catch (IrException e) {
            return env().cwd();
        }
    }

    private Drill.Scenario scenario(Path file) {
        DrillFiles.Parsed p = DrillFiles.read(file, workspace().root());
        if (!p.ok()) {
            Drill.Problem first = p.problems().get(0);
            throw IrException.usage(workspace().display(file) + ":" + first.line() + ": " + first.what()
                    + (p.problems().size() > 1 ? " (and " + (p.problems().size() - 1) + " more: ir drill check)"
                    : ""));
        }
        return p.scenario();
    }

    // ---- playing ---------------------------------------------------------------------------------------------

    private int start() throws InterruptedException {
        if (args.size() != 1) {
            throw IrException.usage("start which scenario? e.g. ir drill start bad-deploy (see 'ir drill list')");
        }
        if (speed < 1 || speed > 3600) {
            throw IrException.usage("--speed must be from 1 to 3600, not " + speed);
        }
        Path file = DrillFiles.find(workspace(), env().cwd(), args.get(0));
        Path root = workspace().root().toAbsolutePath().normalize();
        if (!file.toAbsolutePath().normalize().startsWith(root)) {
            throw IrException.usage(args.get(0) + " is outside the workspace: copy it into " + DrillFiles.DIR
                    + "/ (and commit it), so the team plays the same scenario");
        }
        Drill.Scenario sc = scenario(file);
        IrConfig config = config();
        Instant now = clock().instant();
        String who = store().author();
        String opening = config.severities().get(config.severities().size() - 1).name();
        String title = "Drill: " + sc.title();
        Drill.State state = new Drill.State(workspace().gitPath(file), sc.digest(), speed, seed, now, List.of(),
                null);
        AlertIntake intake = store().intake();
        Incident created = store().create(taken -> {
            String id = IncidentIds.newId(title, now, taken);
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("severity", opening);
            TimelineEvent declared = new TimelineEvent(IncidentIds.eventId(), now, who, TimelineEvent.DECLARED,
                    "Declared " + opening + " drill: " + title + " (scenario " + state.scenario()
                            + (speed == 1 ? "" : ", speed " + speed) + ")", false, attrs);
            Incident i = Incident.declare(id, title, opening, config.initialStatus(), true, now, declared);
            i = ir.model.Checklists.apply(i, config, now);
            if (sc.briefing() != null) {
                i = i.withText(TextField.SUMMARY, sc.briefing());
            }
            i = Drill.withState(i, state);
            i = deliver(i, sc, Drill.due(sc, state, now), now, intake);
            return new Change(i, "start drill " + state.scenario() + (speed == 1 ? "" : " at speed " + speed),
                    TimelineEvent.DECLARED);
        });
        store().setCurrent(created.id());
        out().println(created.id());
        info("Drill " + created.id() + " started from " + state.scenario() + (speed == 1 ? "" : " at speed "
                + speed) + " (now the current incident).");
        if (sc.briefing() != null) {
            info("Briefing: " + Text.forTerminal(sc.briefing()));
        }
        shown(created, Drill.state(created).delivered());
        if (play) {
            play(created.id());
        }
        return 0;
    }

    /** The game master's loop: delivers each inject when it falls due, until none is left or the drill ends. */
    private void play(String id) throws InterruptedException {
        while (true) {
            Incident i = store().load(id);
            Drill.State s = Drill.state(i);
            Drill.Scenario sc = scenarioOf(s);
            List<Drill.Inject> left = Drill.pending(sc, s).stream()
                    .filter(x -> x.kind() != Drill.Kind.REVEAL).toList();
            if (left.isEmpty() || s.endedAt() != null || ir.model.Lifecycle.isDone(config(), i.status())) {
                info("No more injects to play: ask questions with 'ir drill ask', score with 'ir drill score'.");
                return;
            }
            Duration wait = Duration.between(clock().instant(), Drill.dueAt(left.get(0), s));
            if (wait.isNegative() || wait.isZero()) {
                catchUp(id, false);
            } else {
                Thread.sleep(Math.min(wait.toMillis() + 1, 1000));
            }
        }
    }

    private int next() {
        catchUp(drillId(), !dueOnly);
        return 0;
    }

    private int ask() {
        if (args.isEmpty()) {
            throw IrException.usage("ask what? e.g. ir drill ask what changed in the last deploy");
        }
        String question = String.join(" ", args).strip();
        String id = drillId();
        catchUp(id, false);
        Incident i = store().load(id);
        Drill.State s = requireState(i);
        Drill.Scenario sc = scenarioOf(s);
        Drill.Inject answer = Drill.answer(sc, s, question);
        if (answer == null) {
            info("The game master has nothing on that: ask another way, or look elsewhere.");
            return 0;
        }
        Instant now = clock().instant();
        String who = store().author();
        update(id, cur -> {
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put(Drill.INJECT, answer.index());
            attrs.put("question", question);
            TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), now, who, TimelineEvent.NOTE,
                    "Found out: " + answer.text(), false, attrs);
            Drill.State st = Drill.state(cur);
            return new Change(Drill.withState(cur.withEvent(e), st.deliver(List.of(answer.index()))),
                    "drill reveal " + answer.index(), TimelineEvent.NOTE);
        });
        out().println(answer.text());
        return 0;
    }

    private int end() {
        String id = drillId();
        catchUp(id, false);
        Instant now = clock().instant();
        Drill.Scenario sc = scenarioOf(requireState(store().load(id)));
        IrConfig config = config();
        String who = store().author();
        Incident done = update(id, cur -> {
            Drill.State s = requireState(cur);
            if (s.endedAt() != null) {
                throw IrException.usage(cur.id() + " ended already (" + ir.model.Times.format(s.endedAt())
                        + "): see 'ir drill score'");
            }
            TimelineEvent e = new TimelineEvent(IncidentIds.eventId(), now, who, TimelineEvent.NOTE,
                    "Drill ended by the game master", false, Map.of());
            Incident ended = Drill.withState(cur.withEvent(e), s.end(now));
            // The scorecard at the end is kept with the drill: its debrief shows it (see 'ir postmortem').
            Drill.Scorecard card = Drill.score(ended, sc, s.end(now), config, now);
            Map<String, Object> extra = new LinkedHashMap<>(ended.extra());
            // Without 'postmortem': the debrief that shows this is that post-mortem ('ir drill score' tells).
            List<Object> results = new ArrayList<>();
            for (Object r : (List<?>) scorecardMap(card).get("results")) {
                if (!"postmortem".equals(((Map<?, ?>) r).get("expectation"))) {
                    results.add(r);
                }
            }
            extra.put(Drill.SCORE, results);
            return new Change(ended.withExtra(extra), "end drill (" + card.met() + " of " + card.results().size()
                    + " expectations met)", TimelineEvent.NOTE);
        });
        info("Drill " + done.id() + " ended. Score: ir drill score; debrief: ir postmortem.");
        return 0;
    }

    private int score() {
        String id = drillId();
        catchUp(id, false);
        Incident i = store().load(id);
        Drill.State s = requireState(i);
        Drill.Scorecard card = Drill.score(i, scenarioOf(s), s, config(), clock().instant());
        if (json) {
            out().println(store().json(scorecardMap(card)));
            return 0;
        }
        out().println("Drill " + card.incident() + " (" + s.scenario() + (s.speed() == 1 ? "" : ", speed "
                + s.speed()) + ")");
        for (Drill.Result r : card.results()) {
            out().println(String.format(java.util.Locale.ROOT, "  %-7s %-22s %-8s %s%s", r.verdict(),
                    r.expectation(), r.measured() == null ? "-" : Cadence.formatDuration(r.measured()),
                    r.limit() == null ? "" : "(within " + Cadence.formatDuration(r.limit()) + ") ",
                    Text.forTerminal(r.detail())));
        }
        if (card.roles().isEmpty()) {
            out().println("Roles: none assigned");
        } else {
            List<String> rs = card.roles().stream().map(r -> r.role() + " " + r.person() + " (" + r.entries()
                    + " entr" + (r.entries() == 1 ? "y" : "ies") + ")").toList();
            out().println("Roles: " + Text.forTerminal(String.join("; ", rs)));
        }
        out().println(card.met() + " of " + card.results().size() + " expectations met");
        return 0;
    }

    static Map<String, Object> scorecardMap(Drill.Scorecard card) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("incident", card.incident());
        m.put("scenario", card.scenario());
        m.put("speed", card.speed());
        List<Object> rs = new ArrayList<>();
        for (Drill.Result r : card.results()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("expectation", r.expectation());
            x.put("verdict", r.verdict());
            x.put("limit", r.limit() == null ? null : Cadence.formatDuration(r.limit()));
            x.put("measured", r.measured() == null ? null : Cadence.formatDuration(r.measured()));
            x.put("measured_seconds", r.measured() == null ? null : r.measured().getSeconds());
            x.put("detail", r.detail());
            rs.add(x);
        }
        m.put("results", rs);
        List<Object> roles = new ArrayList<>();
        for (Drill.RoleActivity r : card.roles()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("role", r.role());
            x.put("person", r.person());
            x.put("entries", r.entries());
            roles.add(x);
        }
        m.put("roles", roles);
        m.put("met", card.met());
        m.put("missed", card.missed());
        return m;
    }

    /** The drill: -i, else the current incident; refused when it is not a drill played from a scenario. */
    private String drillId() {
        String id = store().select(incident.incident);
        requireState(store().load(id));
        return id;
    }

    private static Drill.State requireState(Incident i) {
        Drill.State s = i.drill() ? Drill.state(i) : null;
        if (s == null) {
            throw IrException.usage(i.id() + " is not a drill played from a scenario: start one with 'ir drill "
                    + "start SCENARIO', or give it with -i");
        }
        return s;
    }

    /** The scenario a drill plays, refused when its file changed since the drill started. */
    private Drill.Scenario scenarioOf(Drill.State s) {
        Path file = workspace().root().resolve(s.scenario());
        if (!Files.isRegularFile(file)) {
            throw IrException.usage("the drill's scenario " + s.scenario() + " is gone: restore it with git");
        }
        Drill.Scenario sc = scenario(file);
        if (s.digest() != null && !s.digest().equals(sc.digest())) {
            throw IrException.usage(s.scenario() + " changed since the drill started: restore it ('git checkout -- "
                    + s.scenario() + "') until the drill is scored");
        }
        return sc;
    }

    /**
     * Delivers the injects due now (and with {@code early}, the next one although not due: the game master's
     * {@code ir drill next}), in one commit; says what arrived.
     */
    private void catchUp(String id, boolean early) {
        Incident i = store().load(id);
        Drill.State s = requireState(i);
        Drill.Scenario sc = scenarioOf(s);
        Instant now = clock().instant();
        if (ir.model.Lifecycle.isDone(config(), i.status())) {
            // A drill the responders resolved (or closed) takes no more injects: scoring it changes nothing.
            if (early) {
                info(id + " is " + i.status() + ": no more injects.");
            }
            return;
        }
        List<Drill.Inject> due = new ArrayList<>(Drill.due(sc, s, now));
        if (early && due.isEmpty() && s.endedAt() == null) {
            List<Drill.Inject> pending = Drill.pending(sc, s);
            if (!pending.isEmpty()) {
                due.add(pending.get(0));
            }
        }
        if (due.isEmpty()) {
            if (early) {
                info(s.endedAt() != null ? "The drill has ended." : "Every inject was delivered.");
            }
            return;
        }
        AlertIntake intake = store().intake();
        Incident after = update(id, cur -> {
            Drill.State st = Drill.state(cur);
            List<Drill.Inject> still = due.stream().filter(x -> !st.delivered(x.index())).toList();
            return new Change(deliver(cur, sc, still, now, intake), "drill: " + still.size() + " inject"
                    + (still.size() == 1 ? "" : "s"), "drill");
        });
        shown(after, due.stream().map(Drill.Inject::index).toList());
    }

    /** The injects applied to the drill: alerts through the intake, messages and reveals as timeline entries. */
    private static Incident deliver(Incident i, Drill.Scenario sc, List<Drill.Inject> injects, Instant now,
                                    AlertIntake intake) {
        Drill.State s = Drill.state(i);
        Incident cur = i;
        List<Integer> done = new ArrayList<>();
        for (Drill.Inject x : injects) {
            Instant due = Drill.dueAt(x, s);
            Instant at = due.isBefore(now) ? due : now;
            at = at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put(Drill.INJECT, x.index());
            switch (x.kind()) {
                case ALERT -> cur = intake.applyTo(cur, new AlertIntake.Payload(x.format(),
                        x.payload().getBytes(StandardCharsets.UTF_8), at));
                case SAY -> cur = cur.withEvent(new TimelineEvent(IncidentIds.eventId(), at, x.from(),
                        TimelineEvent.NOTE, x.text(), false, attrs));
                case REVEAL -> cur = cur.withEvent(new TimelineEvent(IncidentIds.eventId(), at, "game master",
                        TimelineEvent.NOTE, "Found out: " + x.text(), false, attrs));
            }
            done.add(x.index());
        }
        return Drill.withState(cur, s.deliver(done));
    }

    /** Prints the entries the injects made, as they arrive (stdout: what the responders see). */
    private void shown(Incident i, List<Integer> indices) {
        if (indices.isEmpty()) {
            return;
        }
        Drill.State s = Drill.state(i);
        Drill.Scenario sc = scenarioOf(s);
        for (Drill.Inject x : sc.injects()) {
            if (indices.contains(x.index())) {
                String what = switch (x.kind()) {
                    case ALERT -> "alert arrived (see 'ir show')";
                    case SAY -> x.from() + ": " + x.text();
                    case REVEAL -> "found out: " + x.text();
                };
                out().println("[+" + Cadence.formatDuration(Drill.offset(x, s.seed())) + "] "
                        + Text.forTerminal(what));
            }
        }
    }

    // ---- from a past incident ---------------------------------------------------------------------------------

    private int from() {
        if (args.size() != 1) {
            throw IrException.usage("from which incident? e.g. ir drill from 2026-11-28-checkout-errors");
        }
        Incident i = store().load(store().select(args.get(0)));
        Drill.Scenario sc = Drill.fromIncident(i, store()::jsonLine);
        byte[] yaml = DrillFiles.write(sc);
        if (output == null) {
            out().print(new String(yaml, StandardCharsets.UTF_8));
            return 0;
        }
        Path f = env().cwd().resolve(output);
        try {
            Files.createDirectories(f.toAbsolutePath().getParent());
            Files.write(f, yaml);
        } catch (java.io.IOException e) {
            throw new IrException(ir.model.ExitCode.FAILURE, "cannot write " + output + ": " + e.getMessage());
        }
        info("Wrote " + output + " from " + i.id() + ": check it with 'ir drill check " + output + "', then "
                + "commit it.");
        return 0;
    }
}
