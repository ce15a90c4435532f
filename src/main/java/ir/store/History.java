package ir.store;

import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.ExitCode;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import org.eclipse.jgit.revwalk.RevCommit;

import java.nio.file.Path;
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
        for (RevCommit c : log(paths(id))) {
            out.add(revision(c));
        }
        return out;
    }

    IncidentStore.Snapshot at(String id, String revision) {
        RevCommit c = revision == null || revision.isBlank() ? null : commitOf(revision.trim());
        if (c == null) {
            throw IrException.notFound("no commit '" + revision + "' in this repository: give a commit from "
                    + "'ir history' or a time");
        }
        return snapshot(id, c);
    }

    private IncidentStore.Snapshot snapshot(String id, RevCommit c) {
        String path = paths(id).get(0);
        byte[] bytes = read(c, path, YamlCodec.MAX_DOCUMENT_BYTES);
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
    private Repository repo() {
        return backend.git().repository();
    }

    /** The commits reachable from HEAD that changed any of {@code paths}, oldest first. */
    private List<RevCommit> log(List<String> paths) {
        try (RevWalk rw = new RevWalk(repo())) {
            ObjectId head = repo().resolve(Constants.HEAD);
            if (head == null) {
                return List.of();
            }
            rw.markStart(rw.parseCommit(head));
            rw.setTreeFilter(org.eclipse.jgit.treewalk.filter.AndTreeFilter.create(
                    org.eclipse.jgit.treewalk.filter.PathFilterGroup.createFromStrings(paths),
                    org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF));
            rw.sort(org.eclipse.jgit.revwalk.RevSort.TOPO);
            rw.sort(org.eclipse.jgit.revwalk.RevSort.REVERSE, true);
            List<RevCommit> out = new ArrayList<>();
            for (RevCommit c : rw) {
                out.add(c);
            }
            return out;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the git history: " + e.getMessage(), e);
        }
    }

    /** The commit a revision names, or null when it names none. */
    private RevCommit commitOf(String revision) {
        try (RevWalk rw = new RevWalk(repo())) {
            ObjectId id = repo().resolve(revision + "^{commit}");
            return id == null ? null : rw.parseCommit(id);
        } catch (org.eclipse.jgit.errors.AmbiguousObjectException e) {
            throw IrException.notFound("'" + revision + "' names several commits: give more of its id");
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException
                 | org.eclipse.jgit.errors.IncorrectObjectTypeException
                 | org.eclipse.jgit.errors.MissingObjectException e) {
            return null;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the git history: " + e.getMessage(), e);
        }
    }

    /** The content of {@code path} in {@code commit}, at most {@code limit} bytes, or null when it is absent. */
    private byte[] read(RevCommit commit, String path, int limit) {
        try (TreeWalk tw = TreeWalk.forPath(repo(), path, commit.getTree())) {
            if (tw == null) {
                return null;
            }
            org.eclipse.jgit.lib.ObjectLoader loader = repo().open(tw.getObjectId(0), Constants.OBJ_BLOB);
            if (loader.getSize() > limit) {
                throw new IrException(ExitCode.FAILURE, path + " in commit " + commit.abbreviate(7).name()
                        + " is over the " + (limit / (1024 * 1024)) + " MiB limit for one file");
            }
            return loader.getBytes();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + path + " from git: " + e.getMessage(), e);
        }
    }

}
