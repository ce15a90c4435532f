package ir.cli;

import ir.model.Change;
import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.Postmortems;
import ir.model.TimelineEvent;
import ir.render.PostmortemDocument;
import ir.render.Redaction;
import ir.render.Templates;
import ir.store.IncidentStore;
import ir.store.Workspace;
import ir.store.WorkspaceFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code ir postmortem}: renders, checks and tracks the review of an incident's post-mortem. */
@Command(name = "postmortem", description = {"Render the incident's post-mortem to incidents/<id>.md (Markdown from a "
        + "Mustache template) and commit it; check it for completeness and blame-prone wording; record its review.",
        "A hand-edited incidents/<id>.md is never overwritten without --force: fill the facts with 'ir set' / "
                + "'ir add' / 'ir edit' and re-render, or edit the Markdown by hand after the final render."},
        footer = {"", "Examples:", "  ir postmortem", "  ir postmortem --check",
                "  ir postmortem -i checkout --template update --stdout",
                "  ir postmortem --redact > checkout-public.md",
                "  ir postmortem --status in-review", "  ir postmortem --status reviewed && ir status closed"})
public final class PostmortemCommand extends IrCommand {
    static final String DEFAULT_TEMPLATE = PostmortemDocument.DEFAULT_TEMPLATE;
    /** A drill's post-mortem: a debrief of the practice, with its scorecard. */
    static final String DRILL_TEMPLATE = "drill-debrief";

    @Mixin
    IncidentOption incident;

    @Option(names = "--template", paramLabel = "NAME|FILE", description = "A template name (templates/NAME.md."
            + "mustache in the workspace, else the built-in postmortem or update) or a path to a template file inside "
            + "the workspace (default: postmortem).")
    String template;

    @Option(names = "--stdout", description = "Print the document instead of writing and committing it.")
    boolean stdout;

    @Option(names = "--redact", description = "The public version: people appear as the role they held (e.g. "
            + "Incident Commander) or their initials, and every e-mail address is dropped, wherever it was written. It "
            + "is printed, never written or committed (the repository keeps the names; publish the output, e.g. "
            + "ir postmortem --redact > public.md). With --check: also checks the redacted rendering.")
    boolean redact;

    @Option(names = "--force", description = "Overwrite incidents/<id>.md even if it was edited by hand since ir "
            + "last rendered it (committed edits stay in git history).")
    boolean force;

    @Option(names = "--check", description = "List what a complete post-mortem still lacks and blame-prone wording; "
            + "exit 0 when complete, 1 when not. Changes nothing.")
    boolean check;

    @Option(names = "--json", description = "With --check: the findings as JSON.")
    boolean json;

    @Option(names = "--status", paramLabel = "STATUS", description = "Record the review state: draft, in-review or "
            + "reviewed (a timeline event and a commit). 'ir status closed' needs a required post-mortem reviewed.")
    String status;

    /** Signals, from inside the store's lock, that there is nothing to commit. */
    private static final class Unchanged extends RuntimeException {
        Unchanged(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    protected int run() {
        validateOptions();
        String id = store().select(incident.incident);
        if (check) {
            return check(id);
        }
        if (status != null) {
            return status(id, Postmortems.parseStatus(status));
        }
        return render(id);
    }

    private void validateOptions() {
        if (json && !check) {
            throw IrException.usage("--json goes with --check (the rendered document is Markdown): ir postmortem "
                    + "--check --json");
        }
        if (check && (stdout || force || status != null || template != null)) {
            throw IrException.usage("--check only reads: use it without --stdout, --force, --status and --template");
        }
        if (redact && (force || status != null)) {
            throw IrException.usage("--redact prints the public version and never writes a file: use it without "
                    + "--force and --status");
        }
        if (status != null && (stdout || force || template != null)) {
            throw IrException.usage("--status records the review state only: use it without --stdout, --force and "
                    + "--template");
        }
    }

    /**
     * The incident type's {@code postmortem_template} (ir.yaml {@code types:}), else for a drill the drill debrief,
     * else the built-in one.
     */
    private String typeTemplate(String id) {
        Incident i = store().load(id);
        String type = i.type();
        String own = type == null ? null : config().findType(type).map(t -> t.postmortemTemplate()).orElse(null);
        return own != null ? own : i.drill() ? DRILL_TEMPLATE : DEFAULT_TEMPLATE;
    }

    private int render(String id) {
        Templates templates = templates();
        Templates.Source source = templates.find(template != null ? template : typeTemplate(id), env().cwd());
        Instant now = now();
        if (redact) {
            out().print(Redaction.render(store().load(id), config(), templates, source, now));
            out().flush();
            return 0;
        }
        if (stdout) {
            Incident i = store().load(id);
            out().print(new String(PostmortemDocument.render(i, config(), templates, source, now).markdown(),
                    StandardCharsets.UTF_8));
            out().flush();
            return 0;
        }
        Path rel = markdownPath(id);
        try {
            store().updateWithFiles(id, current -> {
                byte[] existing = read(rel);
                refuseHandEdits(current, existing, rel);
                PostmortemDocument.Rendered r = PostmortemDocument.render(current, config(), templates, source, now);
                if (PostmortemDocument.untouched(current, existing) && Arrays.equals(existing, r.markdown())
                        && source.name().equals(Postmortems.renderedTemplate(current))) {
                    throw new Unchanged(shown(rel) + " is up to date");
                }
                return new IncidentStore.Update(new Change(r.incident(), "render post-mortem", Postmortems.EVENT),
                        Map.of(rel, r.markdown()));
            });
        } catch (Unchanged u) {
            info(u.getMessage());
            out().println(shown(rel));
            return 0;
        }
        info("Wrote " + shown(rel) + " from template " + source.origin()
                + " and committed it");
        out().println(shown(rel));
        return 0;
    }

    private void refuseHandEdits(Incident current, byte[] existing, Path rel) {
        if (existing == null || force) {
            return;
        }
        String recorded = Postmortems.renderedSha256(current);
        if (!PostmortemDocument.untouched(current, existing)) {
            throw new IrException(ExitCode.BUSY, shown(rel) + (recorded == null ? " was not written by ir"
                    : " was edited by hand since ir last rendered it") + ": ir will not overwrite it. Keep editing it "
                    + "by hand, or see a fresh render with 'ir postmortem --stdout', or replace it with 'ir postmortem "
                    + "--force' (commit your edits first to keep them in git history)");
        }
    }

    private int check(String id) {
        Incident i = store().load(id);
        byte[] existing = read(markdownPath(id));
        boolean written = existing != null;
        List<Postmortems.Finding> findings = new ArrayList<>(Postmortems.check(i, config(), written));
        if (written) {
            documentFinding(i, existing, shown(markdownPath(id))).ifPresent(findings::add);
        }
        if (redact) {
            findings.addAll(redactedFindings(i));
        }
        List<Postmortems.Finding> problems = findings.stream().filter(Postmortems.Finding::problem).toList();
        List<Postmortems.Finding> warnings = findings.stream().filter(f -> !f.problem()).toList();
        boolean complete = problems.isEmpty();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", id);
            doc.put("complete", complete);
            doc.put("required", Postmortems.required(i, config()));
            doc.put("written", written);
            doc.put("status", Postmortems.status(i));
            doc.put("problems", findingMaps(problems));
            doc.put("warnings", findingMaps(warnings));
            out().println(store().json(doc));
        } else {
            out().println("Post-mortem of " + id + ": " + (complete ? "complete" : "incomplete") + " ("
                    + problems.size() + (problems.size() == 1 ? " problem, " : " problems, ") + warnings.size()
                    + (warnings.size() == 1 ? " warning" : " warnings") + ")");
            problems.forEach(p -> out().println("  missing: " + p.message()));
            warnings.forEach(w -> out().println("  warning: " + w.message()));
        }
        return complete ? 0 : 1;
    }

    /** Whether the Markdown still shows the incident file: hand-edited, or older than the facts. */
    private Optional<Postmortems.Finding> documentFinding(Incident i, byte[] existing, String shown) {
        if (!PostmortemDocument.untouched(i, existing)) {
            return Optional.of(new Postmortems.Finding(Postmortems.Finding.WARNING, "document", shown
                    + " was edited by hand since ir rendered it: this check reads the incident file, so keep the "
                    + "facts there too"));
        }
        try {
            if (PostmortemDocument.refresh(i, existing, config(), templates(), now()).isPresent()) {
                return Optional.of(new Postmortems.Finding(Postmortems.Finding.WARNING, "document", shown
                        + " is out of date: the incident changed since it was rendered; run 'ir postmortem'"));
            }
        } catch (IrException e) {
            return Optional.of(new Postmortems.Finding(Postmortems.Finding.WARNING, "document",
                    "cannot re-render " + shown + " to compare: " + e.getMessage()));
        }
        return Optional.empty();
    }

    /**
     * What the redacted rendering still gives away: an e-mail address (a problem; ir drops them all, so a template
     * that prints one would be the cause) and chat handles such as {@code @carol} (warnings: ir cannot tell whose
     * they are).
     */
    private List<Postmortems.Finding> redactedFindings(Incident i) {
        List<Postmortems.Finding> out = new ArrayList<>();
        String md;
        try {
            Templates templates = templates();
            md = Redaction.render(i, config(), templates, templates.find(DEFAULT_TEMPLATE, env().cwd()), now());
        } catch (IrException e) {
            out.add(new Postmortems.Finding(Postmortems.Finding.PROBLEM, "redact", "cannot render the redacted "
                    + "post-mortem: " + e.getMessage()));
            return out;
        }
        java.util.regex.Matcher m = Redaction.EMAIL.matcher(md);
        if (m.find()) {
            out.add(new Postmortems.Finding(Postmortems.Finding.PROBLEM, "redact", "the redacted post-mortem "
                    + "still shows an e-mail address (" + m.group().strip() + ")"));
        }
        java.util.Set<String> handles = new java.util.TreeSet<>();
        java.util.regex.Matcher h = java.util.regex.Pattern.compile("(?<![\\w@./-])@[A-Za-z][\\w.-]{1,38}")
                .matcher(md);
        while (h.find()) {
            handles.add(h.group().replaceAll("[.-]+$", ""));
        }
        if (!handles.isEmpty()) {
            out.add(new Postmortems.Finding(Postmortems.Finding.WARNING, "redact", "the redacted post-mortem "
                    + "mentions " + String.join(", ", handles) + ": a chat handle names a person; write the role "
                    + "instead"));
        }
        return out;
    }

    private static List<Map<String, Object>> findingMaps(List<Postmortems.Finding> findings) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Postmortems.Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field", f.field());
            m.put("message", f.message());
            out.add(m);
        }
        return out;
    }

    private int status(String id, String newStatus) {
        Path rel = markdownPath(id);
        Instant now = now();
        String who = store().author();
        Templates templates = templates();
        List<String> notes = new ArrayList<>();
        Incident done;
        try {
            done = store().updateWithFiles(id, current -> {
                String from = Postmortems.status(current);
                if (newStatus.equals(from)) {
                    throw new Unchanged("the post-mortem of " + id + " is already " + newStatus);
                }
                byte[] existing = read(rel);
                if (existing == null && !Postmortems.DRAFT.equals(newStatus)) {
                    throw IrException.usage("there is no post-mortem to review: " + shown(rel)
                            + " is not written; run 'ir postmortem' first");
                }
                Map<String, Object> attrs = new LinkedHashMap<>();
                if (from != null) {
                    attrs.put("from", from);
                }
                attrs.put("to", newStatus);
                TimelineEvent event = new TimelineEvent(IncidentIds.eventId(), now, who, Postmortems.EVENT,
                        "post-mortem " + (from == null ? "" : from + " -> ") + newStatus, false, attrs);
                Incident next = Postmortems.withStatus(current, newStatus).withEvent(event);
                Map<Path, byte[]> files = new LinkedHashMap<>();
                // Keep the document's status line true: re-render it when ir wrote it and nobody edited it since.
                if (PostmortemDocument.untouched(current, existing)) {
                    try {
                        Optional<PostmortemDocument.Rendered> r = PostmortemDocument.refresh(next, existing, config(),
                                templates, now);
                        if (r.isPresent()) {
                            next = r.get().incident();
                            files.put(rel, r.get().markdown());
                        }
                    } catch (IrException e) {
                        notes.add("did not re-render " + shown(rel) + ": " + e.getMessage());
                    }
                } else if (existing != null) {
                    notes.add(shown(rel) + " was edited by hand: update its status line yourself");
                }
                return new IncidentStore.Update(new Change(next, "post-mortem " + newStatus, Postmortems.EVENT),
                        files);
            });
        } catch (Unchanged u) {
            info(u.getMessage());
            return 0;
        }
        notes.forEach(this::warn);
        if (Postmortems.REVIEWED.equals(newStatus)) {
            long problems = Postmortems.check(done, config(), true).stream().filter(Postmortems.Finding::problem)
                    .count();
            if (problems > 0) {
                warn("marked reviewed with " + problems + " open problem" + (problems == 1 ? "" : "s")
                        + ": see 'ir postmortem --check'");
            }
        }
        info("Post-mortem of " + id + " is now " + newStatus);
        return 0;
    }

    private Templates templates() {
        Workspace ws = store().workspace();
        return new Templates(ws.root(), ws.templatesDir());
    }

    private Instant now() {
        return clock().instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static Path markdownPath(String id) {
        return PostmortemDocument.path(id);
    }

    private static String shown(Path rel) {
        return rel.toString().replace('\\', '/');
    }

    /** The post-mortem's bytes, never read through a link (see {@link WorkspaceFiles}); null when there is none. */
    private byte[] read(Path rel) {
        return WorkspaceFiles.read(store().workspace().root(), shown(rel));
    }

    static String sha256(byte[] bytes) {
        return PostmortemDocument.sha256(bytes);
    }
}
