package ir.cli;

import ir.store.IncidentStore.Revision;
import ir.model.Person;
import ir.model.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir history}: the incident's commits, oldest first. */
@Command(name = "history", description = {"The incident's commits, oldest first: when each was recorded, by whom, "
        + "and what it did. Give a commit to 'ir show --as-of' to see the incident as it was then."},
        footer = {"", "Examples:", "  ir history", "  ir history -i checkout --json | jq -r '.[].subject'"})
public final class HistoryCommand extends IrCommand {
    @Mixin
    IncidentOption incident;

    @Option(names = "--json", description = "A JSON array of commits: commit, at, author, subject, event.")
    boolean json;

    @Option(names = "--local", description = "Show times in the local time zone instead of UTC.")
    boolean local;

    @Override
    protected int run() {
        String id = store().select(incident.incident);
        List<Revision> revisions = store().history(id);
        if (json) {
            List<Object> docs = new ArrayList<>();
            for (Revision r : revisions) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("commit", r.commit());
                m.put("at", r.at());
                m.put("author", r.author());
                m.put("subject", r.subject());
                m.put("event", r.eventType());
                docs.add(m);
            }
            out().println(store().json(docs));
            return 0;
        }
        if (revisions.isEmpty()) {
            info(id + " has no commits yet (it is not committed)");
            return 0;
        }
        for (Revision r : revisions) {
            out().println(Times.short_(r.at(), clock(), local) + "  " + r.commit().substring(0, 8) + "  "
                    + Text.forTerminal(Text.pad(Person.name(r.author()), 16) + " " + r.subject()));
        }
        return 0;
    }
}
