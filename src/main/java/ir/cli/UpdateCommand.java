package ir.cli;

import ir.model.Cadence;
import ir.model.Change;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.TextField;
import ir.model.TimelineEvent;
import ir.model.Times;
import ir.model.Updates;
import ir.render.Templates;
import ir.render.UpdateView;
import ir.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir update}: writes a stakeholder update from the audience's template and records it as an event. */
@Command(name = "update", description = {"Write a stakeholder update for an audience and record it on the timeline "
        + "(one commit); it is printed on standard output.",
        "internal: conditions, actions, needs. exec: current status, overview, next steps. public: the initial, "
                + "scoping, update or resolution message, chosen by the incident's state; it never estimates when "
                + "the incident will be resolved, only when the next update comes.",
        "TEXT is what is new ('-' reads it from standard input); the rest comes from the incident and the options. "
                + "On a terminal, ir asks for parts that are missing (an empty answer leaves a part out); with "
                + "--no-input or without a terminal they are left out.",
        "Templates: templates/update-internal.md.mustache, update-exec and update-public (ir init copies them)."},
        footer = {"", "Examples:", "  ir update rollback of release 412 under way --needs \"a DBA on the bridge\"",
                "  ir update --audience exec checkout errors at 5%% in EU --next-steps \"finish rollback\" --next 30m",
                "  ir update --audience public Some customers cannot complete checkout --next 20m",
                "  ir update --audience public --dry-run"})
public final class UpdateCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Option(names = {"-a", "--audience"}, paramLabel = "AUDIENCE",
            description = "internal (default), exec or public.")
    String audience;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "What is new, in a sentence or two.")
    List<String> words;

    @Option(names = "--next", paramLabel = "WHEN", description = "When the next update comes: 20m, 1h, or a time "
            + "(recorded as next_update_at; ir check holds the update to it).")
    String next;

    @Option(names = "--conditions", paramLabel = "TEXT", description = "internal: what is happening and its impact "
            + "(default: the incident's impact, else its summary).")
    String conditions;

    @Option(names = "--actions", paramLabel = "TEXT", description = "internal: what is being done (default: the "
            + "action and decision entries since the last internal update).")
    String actions;

    @Option(names = "--needs", paramLabel = "TEXT", description = "internal: what the responders need from others.")
    String needs;

    @Option(names = "--next-steps", paramLabel = "TEXT", description = "exec: what happens next.")
    String nextSteps;

    @Option(names = "--dry-run", description = "Print the update; record nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the update event as JSON (audience, kind, next_update_at, text).")
    boolean json;

    @Override
    protected int run() {
        String aud = Updates.audience(audience);
        checkOptions(aud);
        String message = TextArgs.optional(words, env().in());
        Instant now = clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Instant nextAt = next == null ? null : nextTime(next, now);
        String id = store().select(incident.incident);
        Incident current = store().load(id);
        IrConfig config = config();
        UpdateView.Parts parts = new UpdateView.Parts(message, TextArgs.option(conditions, "--conditions"),
                TextArgs.option(actions, "--actions"), TextArgs.option(needs, "--needs"),
                TextArgs.option(nextSteps, "--next-steps"));
        if (canPrompt()) {
            parts = ask(aud, current, parts);
        }
        String kind = Updates.PUBLIC.equals(aud) ? Updates.publicKind(current, config) : null;
        Instant shown = nextAt != null ? nextAt : Updates.RESOLUTION.equals(kind) ? null
                : cadenceNext(current, config, aud, now);
        Workspace ws = store().workspace();
        Templates templates = new Templates(ws.root(), ws.templatesDir());
        // An incident type may bring its own update template (ir.yaml types: update_template), for every audience.
        String name = current.type() == null ? null : config.findType(current.type())
                .map(IrConfig.IncidentType::updateTemplate).orElse(null);
        name = name != null ? name : UpdateView.template(aud);
        Templates.Source source = templates.find(name, env().cwd());
        String text = templates.render(source, UpdateView.of(current, config, now, aud, kind, parts, shown)).strip();
        if (text.isEmpty()) {
            throw IrException.usage("template " + source.origin() + " rendered nothing for this update: check it");
        }
        TimelineEvent event = Updates.event(IncidentIds.eventId(), now, store().author(), aud, kind, nextAt, text);
        if (!dryRun) {
            update(id, i -> new Change(i.withEvent(event), "update " + aud + (kind == null ? "" : " (" + kind + ")")
                    + ": " + Text.firstLine(message == null ? text : message, 50), Updates.EVENT));
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("incident", id);
            doc.put("id", event.id());
            doc.put("at", Times.format(event.at()));
            doc.put("author", event.author());
            doc.put("type", event.type());
            doc.putAll(event.attrs());
            doc.put("text", text);
            doc.put("recorded", !dryRun);
            out().println(store().json(doc));
        } else {
            out().println(text);
        }
        out().flush();
        info(dryRun ? "Dry run: nothing was recorded."
                : "Recorded the " + aud + " update" + (kind == null ? "" : " (" + kind + ")") + " on " + id
                + (nextAt == null ? "" : "; next one due by " + Times.short_(nextAt, clock(), false)));
        return 0;
    }

    /** The options of another audience are refused rather than silently dropped. */
    private void checkOptions(String aud) {
        Map<String, String> given = new LinkedHashMap<>();
        if (conditions != null) {
            given.put("--conditions", Updates.INTERNAL);
        }
        if (actions != null) {
            given.put("--actions", Updates.INTERNAL);
        }
        if (needs != null) {
            given.put("--needs", Updates.INTERNAL);
        }
        if (nextSteps != null) {
            given.put("--next-steps", Updates.EXEC);
        }
        given.forEach((option, owner) -> {
            if (!owner.equals(aud)) {
                throw IrException.usage(option + " is part of the " + owner + " update, not the " + aud + " one: "
                        + "use --audience " + owner + ", or say it in TEXT");
            }
        });
    }

    /** {@code --next}: a duration from now (20m, 1h30m) or a time; it must be in the future. */
    static Instant nextTime(String text, Instant now) {
        Duration d = Cadence.parseDuration(text.startsWith("+") ? text.substring(1) : text);
        Instant at;
        if (d != null) {
            at = now.plus(d);
        } else {
            try {
                at = Times.parseAny(text, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC), "--next");
            } catch (IrException e) {
                throw IrException.usage("--next '" + text.strip() + "' is neither a duration (20m, 1h, 1h30m) nor a "
                        + "time: " + Times.FORMATS);
            }
        }
        if (!at.isAfter(now)) {
            throw IrException.usage("--next '" + text.strip() + "' is not in the future: say when the next update "
                    + "comes, e.g. --next 20m");
        }
        return at;
    }

    /** When the audience's cadence puts the next update if this one is sent now; null when it has none. */
    private static Instant cadenceNext(Incident i, IrConfig config, String aud, Instant now) {
        Cadence.Rule rule = config.cadence().rule(aud);
        if (rule == null || !rule.appliesTo(i.severity(), config) || i.openedAt() == null) {
            return null;
        }
        Duration interval = rule.interval(Duration.between(i.openedAt(), now));
        return interval == null ? null : now.plus(interval);
    }

    /** Asks for the parts that are missing and cannot be taken from the incident. */
    private UpdateView.Parts ask(String aud, Incident i, UpdateView.Parts p) {
        Map<String, String> q = new LinkedHashMap<>();
        switch (aud) {
            case Updates.INTERNAL -> {
                if (p.conditions() == null && i.text(TextField.IMPACT) == null && i.text(TextField.SUMMARY) == null) {
                    q.put("conditions", "Conditions (what is happening, who is affected)");
                }
                if (p.actions() == null && UpdateView.doing(i) == null) {
                    q.put("actions", "Actions (what is being done)");
                }
                if (p.needs() == null) {
                    q.put("needs", "Needs (what you need from others)");
                }
            }
            case Updates.EXEC -> {
                if (p.message() == null && i.text(TextField.SUMMARY) == null) {
                    q.put("message", "Overview (what happened and the business impact)");
                }
                if (p.nextSteps() == null) {
                    q.put("next_steps", "Next steps");
                }
            }
            default -> {
                if (p.message() == null) {
                    q.put("message", "What customers see, in plain words (empty: 'an issue affecting <title>')");
                }
            }
        }
        Map<String, String> a = ir.term.UpdatePrompt.ask(env(), q);
        return new UpdateView.Parts(a.getOrDefault("message", p.message()),
                a.getOrDefault("conditions", p.conditions()), a.getOrDefault("actions", p.actions()),
                a.getOrDefault("needs", p.needs()), a.getOrDefault("next_steps", p.nextSteps()));
    }
}
