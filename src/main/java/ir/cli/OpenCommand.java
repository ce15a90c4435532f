package ir.cli;

import ir.model.Change;
import ir.model.Checklists;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.ListField;
import ir.model.TextField;
import ir.model.TimelineEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir open}: declares an incident. */
@Command(name = "open", description = {"Declare an incident. Prints its ID; it becomes the current incident.",
        "Declare early: a severity can be changed later, a late declaration cannot."},
        footer = {"", "Examples:", "  ir open Checkout latency spike --severity SEV-2",
                "  ir open \"Payments down\" -s 1 --commander \"Alice <alice@example.com>\" --tag payments",
                "  ir open \"Failover drill\" --drill --at 14:30",
                "  ir open \"Leaked API key\" --type security",
                "  alert-to-text | ir open - --severity SEV-2"})
public final class OpenCommand extends IrCommand {
    @Parameters(paramLabel = "TITLE", arity = "0..*", description = "What is broken, in a few words (asked for "
            + "on a terminal when left out; required otherwise). '-' reads it from standard input: the first "
            + "non-blank line is the title, the lines after it (if any) the summary.")
    List<String> title;

    @Option(names = {"-s", "--severity"}, paramLabel = "SEV",
            description = "Severity from ir.yaml (default: its default_severity).")
    String severity;

    @Option(names = "--type", paramLabel = "TYPE", description = "The kind of incident, from ir.yaml's types "
            + "(e.g. outage, security): its default severity applies when -s is left out, and its checklist joins "
            + "the incident's.")
    String type;

    @Option(names = "--commander", paramLabel = "PERSON", description = "The Incident Commander, ideally "
            + "\"Name <email>\"; 'me' is you.")
    String commander;

    @Option(names = "--summary", paramLabel = "TEXT", description = "A first summary of what is happening.")
    String summary;

    @Option(names = {"-t", "--tag"}, paramLabel = "TAG", description = "A tag (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--drill", description = "A practice incident: kept apart from real ones in lists and stats.")
    boolean drill;

    @Mixin
    AtOption at;

    @Option(names = "--id", paramLabel = "ID", description = "Choose the ID instead of YYYY-MM-DD-slug-of-title.")
    String id;

    @Option(names = "--json", description = "Print the new incident as JSON instead of its ID.")
    boolean json;

    /**
     * {@code ir open -}: the title is the first non-blank line piped in, the lines after it the summary (a pasted
     * alert: its subject, then its body). Refused at a terminal, where nothing is piped and the words are easier to
     * type, and when nothing is piped, rather than declaring an incident titled "-".
     */
    private void titleFromStdin() {
        if (env().interactive()) {
            throw IrException.usage("'ir open -' reads the title from standard input, which is a terminal here: "
                    + "give the title as words, e.g. ir open \"Checkout latency spike\"");
        }
        String piped = TextArgs.stdin(env().in());
        String[] lines = piped.strip().split("\\R", 2);
        String first = lines[0].strip();
        if (first.isEmpty()) {
            throw IrException.usage("'ir open -' read no title from standard input: pipe the title in, e.g. "
                    + "echo \"Checkout latency spike\" | ir open -");
        }
        String rest = lines.length > 1 ? lines[1].strip() : "";
        if (!rest.isEmpty()) {
            if (summary != null && !summary.isBlank()) {
                throw IrException.usage("standard input has lines after the title, which would be the summary, and "
                        + "--summary gives one too: give the summary one way");
            }
            summary = rest;
        }
        title = List.of(first);
    }

    @Override
    protected int run() {
        if (title != null && title.size() == 1 && title.get(0).equals("-")) {
            titleFromStdin();
        }
        boolean noTitle = title == null || title.isEmpty();
        String joined = TextArgs.joined(title, "the title");
        String text = joined == null ? "" : joined;
        // On a terminal, what is left out is asked for (JLine, loaded only then); a script gets the usage error.
        IrConfig.IncidentType kind = type == null ? null : config().type(type);
        if (severity == null && kind != null && kind.severity() != null) {
            severity = kind.severity();
        }
        boolean prompt = (noTitle || severity == null) && canPrompt();
        if (noTitle && !prompt) {
            throw IrException.usage("missing the title: say in a few words what is broken, e.g. ir open "
                    + "\"Checkout latency spike\" --severity SEV-2 (see 'ir open --help')");
        }
        if (text.isEmpty() && !prompt) {
            throw IrException.usage("the title is empty: say in a few words what is broken, e.g. ir open "
                    + "\"Checkout latency spike\"");
        }
        Instant openedAt = at.instant(clock());
        String firstSummary = TextArgs.option(summary, "--summary");
        String wantedId = id == null ? null : IncidentIds.validate(id);
        IrConfig config = config();
        if (prompt) {
            ir.term.OpenPrompt.Answers answers = ir.term.OpenPrompt.ask(env(), store(), text.isEmpty() ? null : text,
                    severity, commander);
            text = answers.title();
            severity = answers.severity();
            commander = answers.commander();
        }
        if (text.contains("\n")) {
            text = text.replaceAll("\\s*\\R\\s*", " ");
        }
        String sev = config.severity(severity);
        String who = store().author();
        String titleText = text;
        Incident created = store().create(taken -> {
            String newId = wantedId != null ? wantedId : IncidentIds.newId(titleText, openedAt, taken);
            if (taken.contains(newId)) {
                throw IrException.usage("incident " + newId + " already exists: choose another --id");
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("severity", sev);
            TimelineEvent declared = new TimelineEvent(IncidentIds.eventId(), openedAt, who, TimelineEvent.DECLARED,
                    "Declared " + sev + (drill ? " drill" : "") + ": " + titleText, false, attrs);
            Incident i = Incident.declare(newId, titleText, sev, config.initialStatus(), drill, openedAt, declared);
            if (commander != null && !commander.isBlank()) {
                // 'me' is the responder, as in 'ir role commander me'.
                i = i.withRole("commander", List.of("me".equalsIgnoreCase(commander.strip()) ? who
                        : commander.strip()));
            }
            if (kind != null) {
                i = i.withType(kind.name());
            }
            i = Checklists.apply(i, config, openedAt);
            if (firstSummary != null) {
                i = i.withText(TextField.SUMMARY, firstSummary);
            }
            List<String> cleanTags = tags.stream().map(String::strip).filter(t -> !t.isEmpty()).distinct().toList();
            if (!cleanTags.isEmpty()) {
                i = i.withList(ListField.TAGS, cleanTags);
            }
            return new Change(i, "declare " + sev + (drill ? " drill" : "") + " \"" + titleText + "\"",
                    TimelineEvent.DECLARED);
        });
        store().setCurrent(created.id());
        if (json) {
            out().println(store().json(created));
        } else {
            out().println(created.id());
        }
        info("Declared " + created.severity() + (created.type() == null ? "" : " " + created.type())
                + (drill ? " drill " : " ") + created.id()
                + " (now the current incident). Log with: ir log WHAT HAPPENED");
        return 0;
    }
}
