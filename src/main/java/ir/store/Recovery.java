package ir.store;

import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.TimelineEvent;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevWalk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finishes what a killed {@code ir} left behind, run by {@link Transaction} under the workspace lock before every
 * change (so whatever it finds belongs to a process that is gone):
 * <ul>
 * <li>a {@link Journal}: the lock files that process provably created are removed (git's index lock only when it is
 * the very file it recorded, a branch lock only when it holds the very commit it recorded; a lock held by a running
 * git is never touched), and if the branch moved to its commit, the work tree and index are brought in line with it.
 * If the branch did not move, the command had failed and there is nothing to do: its files were never written.</li>
 * <li>incident files that differ from HEAD, left by an older ir ({@code .git/ir/pending}) or, for {@code ir sync},
 * any: committed as a recovery, one commit per incident, authored by the person who wrote the newest entry the
 * commit adds.</li>
 * </ul>
 */
final class Recovery {
    private final Backend backend;
    private final Session session;

    Recovery(Backend backend, Session session) {
        this.backend = backend;
        this.session = session;
    }

    /** @param sweep also commit every incident file that differs from HEAD (for {@code ir sync}) */
    void run(boolean sweep) {
        Journal journal = backend.journal();
        if (journal.isEmpty() && !sweep) {
            return;
        }
        Journal.Entry entry = journal.read();
        if (entry != null) {
            finish(entry);
            journal.clear();
        }
        List<String> legacy = journal.legacyPaths();
        if (!legacy.isEmpty()) {
            removeTempFiles();
        }
        if (!legacy.isEmpty() || sweep) {
            List<String> paths = new ArrayList<>(legacy);
            if (sweep) {
                for (String p : incidentFiles()) {
                    if (!paths.contains(p)) {
                        paths.add(p);
                    }
                }
            }
            commitLeftovers(paths);
            journal.clearLegacy();
        }
    }

    private void finish(Journal.Entry e) {
        GitRepo git = backend.git();
        removeOwnLocks(e);
        removeTempFiles();
        ObjectId tip;
        try {
            tip = git.repository().resolve(e.ref());
        } catch (IOException ex) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + e.ref() + ": " + ex.getMessage(), ex);
        }
        if (tip == null || !reaches(tip, e.commit())) {
            return; // the branch never moved: the command failed and wrote nothing
        }
        List<Journal.Change> todo = new ArrayList<>();
        for (Journal.Change c : e.changes()) {
            if (Objects.equals(git.blobAt(tip, c.path()), c.want())) {
                todo.add(c);
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        GitRepo.LockedIndex index = Transaction.lockIndexFor(backend, session, e.ref(), e.parent(), e.commit(),
                e.changes(), true);
        try {
            // This process holds the index lock now: record it, so that recovery can be recovered too.
            backend.journal().write(new Journal.Entry(ProcessHandle.current().pid(), e.nonce(), index.lockKey(),
                    e.commit(), e.parent(), e.ref(), e.changes()));
            index.read();
            List<String> skipped = git.checkOut(index, todo, null, session.umask());
            session.warn().accept("finished commit " + e.commit().abbreviate(7).name() + " of an interrupted ir "
                    + "command: its files are now in the work tree and git's index"
                    + (skipped.isEmpty() ? "" : " (except " + String.join(", ", skipped) + ", changed since)"));
        } catch (IOException ex) {
            throw new IrException(ExitCode.FAILURE, "cannot finish the interrupted commit "
                    + e.commit().abbreviate(7).name() + ": " + ex.getMessage(), ex);
        } finally {
            index.unlock();
        }
    }

    /** Whether {@code commit} is {@code tip} or one of its ancestors. */
    private boolean reaches(ObjectId tip, ObjectId commit) {
        if (tip.equals(commit)) {
            return true;
        }
        try (RevWalk rw = new RevWalk(backend.git().repository())) {
            return rw.isMergedInto(rw.parseCommit(commit), rw.parseCommit(tip));
        } catch (IOException ex) {
            return false; // the commit was never written
        }
    }

    /**
     * Removes the lock files the dead process created: git's index lock when it is the very file the journal names
     * (its device and inode), and the branch's lock when it holds the very commit the journal names, or is still empty
     * while that index lock is there (the process died between creating and writing it: no git command that moves a
     * branch, which takes the index lock first, can have made it meanwhile). Any other lock belongs to a program that
     * may be running and is left alone.
     */
    private void removeOwnLocks(Journal.Entry e) {
        Path gitDir = backend.workspace().gitDir();
        Path index = gitDir.resolve("index.lock");
        boolean ownIndexLock = false;
        try {
            ownIndexLock = !e.indexLock().equals("-") && Files.exists(index)
                    && GitRepo.fileKey(index).equals(e.indexLock()) && !alive(e.pid());
        } catch (IOException ex) {
            // not provably the dead process's: left in place, and taking the index lock reports it
        }
        Path ref = gitDir.resolve(e.ref() + ".lock");
        try {
            String held = Files.isRegularFile(ref) && Files.size(ref) <= 100
                    ? Files.readString(ref, StandardCharsets.US_ASCII).trim() : null;
            if (held != null && (held.equals(e.commit().name()) || held.isEmpty() && ownIndexLock)) {
                Files.delete(ref);
                session.warn().accept("removed " + gitDir.relativize(ref) + ", left by an interrupted ir command "
                        + "(pid " + e.pid() + ")");
            }
        } catch (IOException ex) {
            // left in place: moving the branch reports it
        }
        if (ownIndexLock) {
            try {
                Files.delete(index);
                session.warn().accept("removed .git/index.lock, left by an interrupted ir command (pid " + e.pid()
                        + ")");
            } catch (IOException ex) {
                // taking the index lock reports it
            }
        }
    }

    private static boolean alive(long pid) {
        return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** ir's own temporary files (see {@link AtomicFiles}) in the directories it writes under the workspace lock. */
    private void removeTempFiles() {
        Workspace ws = backend.workspace();
        for (Path dir : List.of(ws.incidentsDir(), ws.root())) {
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, AtomicFiles.TMP_PREFIX + "*")) {
                for (Path p : ds) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ex) {
                session.warn().accept("cannot remove temporary files in " + dir + ": " + ex.getMessage());
            }
        }
    }

    // ---- files left uncommitted -----------------------------------------------------------------------------------

    private void commitLeftovers(List<String> paths) {
        GitRepo git = backend.git();
        ObjectId head = git.head();
        Map<String, Map<String, byte[]>> byIncident = new LinkedHashMap<>();
        Map<String, String> authors = new LinkedHashMap<>();
        for (String path : paths) {
            // never through a link: a clone's link would otherwise be committed as the file's content
            byte[] content = WorkspaceFiles.read(backend.workspace().workTree(), path);
            if (content == null) {
                continue;
            }
            ObjectId committed = git.blobAt(head, path);
            if (GitRepo.blobId(content).equals(committed)) {
                continue;
            }
            String id = incidentIdOf(path);
            if (path.endsWith(".yaml") && id != null) {
                try {
                    Incident now = IncidentCodec.parse(content, path);
                    String author = newestNewAuthor(now, committed);
                    if (author != null) {
                        authors.put(id, author);
                    }
                } catch (IrException bad) {
                    session.warn().accept(path + " was left uncommitted and is not a valid incident ("
                            + bad.getMessage() + "): fix it, or restore it with 'git checkout -- " + path + "'");
                    continue;
                }
            }
            byIncident.computeIfAbsent(id == null ? "" : id, k -> new LinkedHashMap<>()).put(path, content);
        }
        for (Map.Entry<String, Map<String, byte[]>> group : byIncident.entrySet()) {
            String id = group.getKey().isEmpty() ? null : group.getKey();
            Map<String, byte[]> files = group.getValue();
            Identity me = backend.identity(session);
            PersonIdent recoverer = me.committerAt(session.clock());
            String author = authors.get(group.getKey());
            PersonIdent by = author == null ? me.authorAt(session.clock()) : Identity.person(author, session.clock());
            String subject = (id == null ? "ir" : id) + ": recover " + (files.size() == 1 ? "a change" : "changes")
                    + " left uncommitted by an interrupted command";
            StringBuilder msg = new StringBuilder(subject).append("\n\n");
            if (id != null) {
                msg.append("Incident: ").append(id).append('\n');
            }
            msg.append("Ir-Event: recovery\n");
            msg.append("Recovered-By: ").append(recoverer.getName()).append(" <").append(recoverer.getEmailAddress())
                    .append(">\n");
            Transaction.commit(backend, session, files, msg.toString(), by, recoverer);
            session.warn().accept("committed " + String.join(", ", files.keySet()) + ", left uncommitted by an "
                    + "interrupted command" + (author == null ? "" : ", as " + author));
        }
    }

    /** The author of the newest timeline entry in {@code now} that the committed version lacks; null when none. */
    private String newestNewAuthor(Incident now, ObjectId committed) {
        Set<String> known = new HashSet<>();
        if (committed != null) {
            try {
                byte[] old = backend.git().repository().open(committed).getBytes(YamlCodec.MAX_DOCUMENT_BYTES);
                for (TimelineEvent ev : IncidentCodec.parse(old, "HEAD").timeline()) {
                    known.add(ev.id());
                }
            } catch (IOException | IrException ex) {
                // unreadable as committed: every entry counts as new
            }
        }
        TimelineEvent newest = null;
        for (TimelineEvent ev : now.timeline()) {
            if (!known.contains(ev.id()) && ev.author() != null && !ev.author().isBlank()
                    && (newest == null || !ev.at().isBefore(newest.at()))) {
                newest = ev;
            }
        }
        return newest == null ? null : newest.author();
    }

    private List<String> incidentFiles() {
        Workspace ws = backend.workspace();
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(ws.incidentsDir())) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ws.incidentsDir(), "*.yaml")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (IncidentIds.isValid(name.substring(0, name.length() - 5))) {
                    out.add(ws.gitPath(p));
                }
            }
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot list " + ws.incidentsDir() + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    private String incidentIdOf(String gitPath) {
        Workspace ws = backend.workspace();
        String prefix = ws.gitPath(ws.incidentsDir()) + "/";
        if (!gitPath.startsWith(prefix)) {
            return null;
        }
        String name = gitPath.substring(prefix.length());
        int dot = name.lastIndexOf('.');
        String id = dot < 0 ? name : name.substring(0, dot);
        return IncidentIds.isValid(id) && !name.contains("/") ? id : null;
    }
}
