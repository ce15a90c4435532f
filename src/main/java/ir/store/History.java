package ir.store;

import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.Times;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An incident's history as git recorded it: its commits, and its file as of a commit or a time. */
final class History {
    private final Backend backend;

    History(Backend backend) {
        this.backend = backend;
    }

    List<IncidentStore.Revision> revisions(String id) {
        List<IncidentStore.Revision> out = new ArrayList<>();
        for (RevCommit c : backend.git().log(paths(id))) {
            out.add(revision(c));
        }
        return out;
    }

    IncidentStore.Snapshot at(String id, String revision) {
        RevCommit c = revision == null || revision.isBlank() ? null : backend.git().commitOf(revision.trim());
        if (c == null) {
            throw IrException.notFound("no commit '" + revision + "' in this repository: give a commit from "
                    + "'ir history' or a time");
        }
        return snapshot(id, c);
    }

    IncidentStore.Snapshot asOf(String id, Instant at) {
        RevCommit found = null;
        for (RevCommit c : backend.git().log(paths(id))) {
            if (!c.getAuthorIdent().getWhenAsInstant().isAfter(at)) {
                found = c;
            }
        }
        if (found == null) {
            throw IrException.notFound("incident " + id + " had not been recorded by " + Times.format(at)
                    + ": see 'ir history' for when it was");
        }
        return snapshot(id, found);
    }

    private IncidentStore.Snapshot snapshot(String id, RevCommit c) {
        String path = paths(id).get(0);
        byte[] bytes = backend.git().read(c, path, YamlCodec.MAX_DOCUMENT_BYTES);
        if (bytes == null) {
            throw IrException.notFound("incident " + id + " did not exist in commit " + c.abbreviate(7).name());
        }
        return new IncidentStore.Snapshot(IncidentCodec.parse(bytes, path + " at " + c.abbreviate(7).name()),
                revision(c));
    }

    /** The git paths of an incident's files: its YAML first, then its rendered post-mortem. */
    private List<String> paths(String id) {
        Workspace ws = backend.workspace();
        Path yaml = ws.incidentFile(IncidentIds.validate(id));
        return List.of(ws.gitPath(yaml), ws.gitPath(ws.incidentsDir().resolve(id + ".md")));
    }

    private static IncidentStore.Revision revision(RevCommit c) {
        PersonIdent a = c.getAuthorIdent();
        String who = Identity.format(a.getName(), a.getEmailAddress());
        List<String> events = c.getFooterLines("Ir-Event");
        return new IncidentStore.Revision(c.getName(), a.getWhenAsInstant(), who, c.getShortMessage(),
                events.isEmpty() ? null : events.get(events.size() - 1).trim());
    }
}
