package ir.cli;

import ir.env.Env;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Lifecycle;
import ir.model.PostmortemHook;
import ir.model.Postmortems;
import ir.model.TimelineEvent;
import ir.render.PostmortemDocument;
import ir.render.Templates;
import ir.store.Workspace;
import ir.store.IncidentStore;
import ir.store.SyncResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ir sync}: shares this clone's incidents with a remote and takes in everyone else's. */
@Command(name = "sync", description = {"Fetch from the remote, merge, and push: the way responders in several clones "
        + "share one incident.",
        "Incident files changed on both sides are merged entry by entry (timeline events and action items are "
                + "combined; when both sides changed a field, the later change wins and a 'merge' event records "
                + "the other value), so concurrent logging never needs a person. Other files merge as git would; "
                + "a conflict there stops with exit 4 and changes nothing.",
        "REMOTE is a remote name, a URL or the path of a repository (default: the branch's upstream, else origin).",
        "Auto-sync (--auto on|off, per clone) does this in the background after each command: it pushes only the "
                + "tracked branch to its upstream, never forces, and never pushes a commit ir did not make. It is on "
                + "by default once the branch has an upstream it synced with; --auto alone prints the state."},
        footer = {"", "Examples:", "  ir sync", "  ir sync origin", "  ir sync /srv/git/incidents.git",
                "  ir sync --auto off", "  ir sync --auto"})
public final class SyncCommand extends IrCommand {
    /** The merge driver command registered in the clone's git config; IR_MERGE_DRIVER overrides it. */
    static final String DEFAULT_MERGE_DRIVER = "ir merge-file %O %A %B %P";

    @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE", description = "Remote name, URL or path.")
    String remote;

    @Option(names = "--json", description = "Print what the sync did as JSON.")
    boolean json;

    @Option(names = "--auto", arity = "0..1", paramLabel = "on|off", fallbackValue = "",
            description = "Turn auto-sync on or off for this clone; alone, print its state and freshness.")
    String auto;

    /** The detached process a one-shot command starts: runs this clone's auto-sync until there is nothing to do. */
    @Option(names = "--auto-run", hidden = true)
    boolean autoRun;

    @Override
    protected boolean reportsSync() {
        return !autoRun;
    }

    @Override
    protected int run() {
        if (autoRun) {
            store().runAutoSync();
            return 0;
        }
        if (auto != null) {
            return auto();
        }
        IncidentStore store = store();
        Set<String> before = new HashSet<>(store.ids());
        SyncResult r = store.sync(remote, postmortemHook(store), mergeDriver(env()));
        String where = r.remote() + "/" + r.remoteBranch();
        String adopted = r.fetchedNew() ? adoptArrived(store, before) : null;
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("remote", r.remote());
            doc.put("branch", r.remoteBranch());
            doc.put("fetched", r.fetchedNew());
            doc.put("merged", r.merged());
            doc.put("pushed", r.pushed());
            doc.put("merged_incidents", r.mergedIncidents());
            doc.put("attempts", r.attempts());
            doc.put("current", adopted);
            out().println(store.json(doc));
        }
        if (!r.fetchedNew() && !r.pushed()) {
            info("Already in sync with " + where + ".");
        } else {
            StringBuilder s = new StringBuilder();
            if (r.merged()) {
                s.append("Merged ").append(where);
                if (!r.mergedIncidents().isEmpty()) {
                    s.append(" (incidents changed on both sides: ").append(String.join(", ", r.mergedIncidents()))
                            .append(')');
                }
            } else if (r.fetchedNew()) {
                s.append("Updated from ").append(where);
            }
            if (r.pushed()) {
                s.append(s.length() == 0 ? "Pushed to " + where : ", pushed");
            }
            info(s.append('.').toString());
        }
        if (adopted != null) {
            info(adopted + " (declared in another clone) is now the current incident: ir log WHAT HAPPENED");
        }
        return 0;
    }

    /**
     * Makes the one open incident this sync brought in the current incident, when this clone has none to work on (no
     * current incident, or one that is resolved, closed or canceled): a teammate who syncs after a declaration can
     * log at once, without 'ir use'. Returns its ID, or null when nothing changed; several new open incidents are only
     * named.
     */
    private String adoptArrived(IncidentStore store, Set<String> before) {
        IrConfig config = store.config();
        List<String> arrived = new ArrayList<>();
        for (String id : store.ids()) {
            if (!before.contains(id) && isOpen(store, config, id)) {
                arrived.add(id);
            }
        }
        if (arrived.isEmpty()) {
            return null;
        }
        Optional<String> current = store.current().filter(id -> store.ids().contains(id) && isOpen(store, config, id));
        if (current.isPresent()) {
            return null;
        }
        if (arrived.size() > 1) {
            info("New open incidents: " + String.join(", ", arrived) + " (choose one with: ir use ID)");
            return null;
        }
        store.setCurrent(arrived.get(0));
        return arrived.get(0);
    }

    private static boolean isOpen(IncidentStore store, IrConfig config, String id) {
        try {
            return !Lifecycle.isDone(config, store.load(id).status());
        } catch (IrException e) {
            return false; // an unreadable file is reported by the commands that read it
        }
    }

    /**
     * Re-renders the post-mortems of merged incidents with the template each was last rendered with, when neither
     * side's Markdown was edited by hand since ir rendered it (then the text merge stands). The render time is the
     * newest event's, not the clock's, so two clones merging the same histories write the same bytes.
     */
    static PostmortemHook postmortemHook(IncidentStore store) {
        return (merged, ours, theirs) -> {
            if (!untouchedOrAbsent(ours) || !untouchedOrAbsent(theirs)) {
                return null;
            }
            Instant at = merged.timeline().stream().map(TimelineEvent::at).max(Instant::compareTo)
                    .orElse(merged.openedAt());
            Workspace ws = store.workspace();
            Templates templates = new Templates(ws.root(), ws.templatesDir());
            String name = Postmortems.renderedTemplate(merged) == null ? PostmortemDocument.DEFAULT_TEMPLATE
                    : Postmortems.renderedTemplate(merged);
            PostmortemDocument.Rendered r = PostmortemDocument.render(merged, store.config(), templates,
                    templates.find(name, ws.root()), at);
            return new PostmortemHook.Rerendered(r.incident(), r.markdown());
        };
    }

    private static boolean untouchedOrAbsent(PostmortemHook.Side side) {
        return side.markdown() == null
                || side.incident() != null && PostmortemDocument.untouched(side.incident(), side.markdown());
    }

    private int auto() {
        if (remote != null) {
            throw IrException.usage("--auto takes on or off, not a remote: 'ir sync --auto on'");
        }
        IncidentStore store = store();
        String v = auto.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "on", "off" -> {
                store.autoSync(v.equals("on"));
                ir.model.Freshness f = store.freshness();
                info("Auto-sync is " + v + " in this clone" + (v.equals("on") && !f.shared()
                        ? " (it starts once the branch has an upstream: run 'ir sync' once)" : "") + ".");
            }
            case "" -> {
                Boolean explicit = store.autoSync();
                ir.model.Freshness f = store.freshness();
                String state = store.autoSyncOn() ? "on" : "off";
                String why = explicit != null ? "set with 'ir sync --auto " + state + "'"
                        : f.shared() ? "the default for a clone that synced" : "no upstream yet: run 'ir sync' once";
                if (json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("auto", store.autoSyncOn());
                    doc.put("explicit", explicit != null);
                    doc.put("sync", ShowCommand.syncJson(f, clock()));
                    out().println(store.json(doc));
                } else {
                    out().println("auto-sync " + state + " (" + why + ")");
                    if (f.shared()) {
                        out().println(f.describe(clock().instant(), clock().getZone()));
                        if (f.problem() != null) {
                            out().println(f.problem());
                        }
                    }
                }
            }
            default -> throw IrException.usage("--auto takes on or off, not '" + Text.forTerminal(auto) + "'");
        }
        return 0;
    }

    /** The command git runs for incident files ({@code merge=ir}); the {@code ir} launcher on PATH by default. */
    static String mergeDriver(Env env) {
        String custom = env.getenv("IR_MERGE_DRIVER");
        return custom != null ? custom : DEFAULT_MERGE_DRIVER;
    }
}
