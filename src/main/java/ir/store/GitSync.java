package ir.store;

import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.PostmortemHook;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.BranchConfig;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeFormatter;
import org.eclipse.jgit.merge.MergeResult;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.NameConflictTreeWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * {@code ir sync}: fetch, merge, push with JGit. The merge is computed in memory first (incident files semantically,
 * other files line by line as git would), so a conflict that needs a person leaves the branch, index and work tree
 * exactly as they were. A push rejected because someone pushed meanwhile retries the whole fetch-merge-push.
 */
final class GitSync {
    static final int MAX_ATTEMPTS = 5;

    private final GitRepo git;
    private final Repository repo;
    private final Workspace ws;
    private final PersonIdent author;
    private final PersonIdent committer;
    private final UserGitConfig user;
    private final Consumer<String> warn;
    private final PostmortemHook hook;
    private final Duration lockTimeout;
    private final Journal journal;
    private final java.util.function.Supplier<WorkspaceLock> lock;

    /**
     * @param lock takes the workspace lock; held only while the branch and work tree change, not while talking to
     *             the remote, so {@code ir log} keeps working during a slow fetch or push
     */
    GitSync(GitRepo git, Workspace ws, PersonIdent author, PersonIdent committer, UserGitConfig user,
            Consumer<String> warn, PostmortemHook hook, Duration lockTimeout, Journal journal,
            java.util.function.Supplier<WorkspaceLock> lock) {
        this.lock = lock;
        this.git = git;
        this.repo = git.repository();
        this.ws = ws;
        this.author = author;
        this.committer = committer;
        this.user = user;
        this.warn = warn;
        this.hook = hook;
        this.lockTimeout = lockTimeout;
        this.journal = journal;
    }

    SyncResult run(String remoteArg) {
        String branch = currentBranch();
        StoredConfig config = repo.getConfig();
        BranchConfig bc = new BranchConfig(config, branch);
        String remote = remoteArg != null ? remoteArg.trim() : bc.getRemote() != null ? bc.getRemote() : "origin";
        boolean named = config.getSubsections("remote").contains(remote);
        if (!named && !looksLikeUrl(remote)) {
            throw IrException.usage("no git remote named '" + remote + "': add one with 'git remote add " + remote
                    + " URL', or pass a URL or the path of a repository");
        }
        String remoteBranch = named && remote.equals(bc.getRemote()) && bc.getMerge() != null
                ? Repository.shortenRefName(bc.getMerge()) : branch;
        String remoteRef = Constants.R_HEADS + remoteBranch;
        boolean fetchedNew = false;
        boolean merged = false;
        List<String> mergedIncidents = new ArrayList<>();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            ObjectId theirs = fetch(remote, named, remoteBranch, remoteRef);
            Step step;
            try (WorkspaceLock held = lock.get()) {
                step = integrate(theirs, remote + "/" + remoteBranch);
            }
            fetchedNew |= step.fetchedNew;
            merged |= step.merged;
            step.incidents.stream().filter(i -> !mergedIncidents.contains(i)).forEach(mergedIncidents::add);
            ObjectId head = resolve(Constants.HEAD);
            if (head == null || head.equals(theirs)) {
                setUpstream(named, remote, branch, remoteRef);
                return new SyncResult(remote, remoteBranch, attempt, fetchedNew, merged, false, mergedIncidents);
            }
            if (push(remote, branch, remoteRef)) {
                setUpstream(named, remote, branch, remoteRef);
                return new SyncResult(remote, remoteBranch, attempt, fetchedNew, merged, true, mergedIncidents);
            }
            try {
                Thread.sleep(50L * attempt + ThreadLocalRandom.current().nextInt(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IrException(ExitCode.BUSY, "the push to " + remote + " was rejected " + MAX_ATTEMPTS + " times "
                + "because others kept pushing: your commits are merged locally; run 'ir sync' again");
    }

    // ---- fetch and push ------------------------------------------------------------------------------------------

    private ObjectId fetch(String remote, boolean named, String remoteBranch, String remoteRef) {
        // A named remote fetches all its branches, as 'git fetch' does; a URL only the branch synced with.
        String spec = named ? "+" + Constants.R_HEADS + "*:" + Constants.R_REMOTES + remote + "/*" : remoteRef;
        // the transport sees the user's config (url.<base>.insteadOf, http.*) as git fetch does
        try (Repository transport = user.transportView(repo)) {
            FetchResult r = Git.wrap(transport).fetch().setRemote(remote).setRefSpecs(new RefSpec(spec))
                    .setCredentialsProvider(Credentials.forRemote()).call();
            Ref ref = r.getAdvertisedRef(remoteRef);
            return ref == null ? null : ref.getObjectId();
        } catch (org.eclipse.jgit.api.errors.TransportException e) {
            if (!named && String.valueOf(e.getMessage()).contains("does not have " + remoteRef)) {
                return null; // an empty repository, or the branch is not there yet: the push creates it
            }
            throw new IrException(ExitCode.FAILURE, "cannot fetch from " + remote + ": " + message(e)
                    + " (check the remote's URL and your access, e.g. with 'git fetch " + remote + "')", e);
        } catch (GitAPIException | RuntimeException e) {
            throw new IrException(ExitCode.FAILURE, "cannot fetch from " + remote + ": " + message(e)
                    + " (check the remote's URL and your access, e.g. with 'git fetch " + remote + "')", e);
        }
    }

    /** Pushes the branch; false when the remote moved meanwhile (fetch and merge again). */
    private boolean push(String remote, String branch, String remoteRef) {
        Iterable<PushResult> results;
        try (Repository transport = user.transportView(repo)) {
            results = Git.wrap(transport).push().setRemote(remote).setCredentialsProvider(Credentials.forRemote())
                    .setRefSpecs(new RefSpec(Constants.R_HEADS + branch + ":" + remoteRef)).call();
        } catch (GitAPIException | RuntimeException e) {
            throw new IrException(ExitCode.FAILURE, "cannot push to " + remote + ": " + message(e)
                    + " (your commits are merged locally; run 'ir sync' again when the remote is reachable)", e);
        }
        for (PushResult r : results) {
            RemoteRefUpdate u = r.getRemoteUpdate(remoteRef);
            if (u == null) {
                continue;
            }
            switch (u.getStatus()) {
                case OK, UP_TO_DATE -> {
                    return true;
                }
                case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
                    return false;
                }
                case REJECTED_OTHER_REASON -> {
                    String m = u.getMessage() == null ? "" : u.getMessage();
                    if (m.contains("lock")) {
                        return false;
                    }
                    throw new IrException(ExitCode.FAILURE, "the remote refused the push of " + branch + ": " + m);
                }
                default -> throw new IrException(ExitCode.FAILURE, "the remote refused the push of " + branch
                        + ": " + u.getStatus() + (u.getMessage() == null ? "" : " " + u.getMessage()));
            }
        }
        throw new IrException(ExitCode.FAILURE, "the push to " + remote + " reported nothing for " + remoteRef);
    }

    private void setUpstream(boolean named, String remote, String branch, String remoteRef) {
        if (!named) {
            return;
        }
        StoredConfig c = repo.getConfig();
        if (c.getString("branch", branch, "remote") != null) {
            return;
        }
        c.setString("branch", branch, "remote", remote);
        c.setString("branch", branch, "merge", remoteRef);
        try {
            c.save();
        } catch (IOException e) {
            warn.accept("could not record " + remote + " as the upstream of " + branch + ": " + e.getMessage());
        }
    }

    // ---- merge ---------------------------------------------------------------------------------------------------

    private record Step(boolean fetchedNew, boolean merged, List<String> incidents) {
    }

    /** Brings {@code theirs} into the current branch: nothing, a fast-forward, or a merge commit. */
    private Step integrate(ObjectId theirs, String theirName) {
        if (theirs == null) {
            return new Step(false, false, List.of());
        }
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader);
             ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId headId = resolve(Constants.HEAD);
            RevCommit t = rw.parseCommit(theirs);
            if (headId == null) {
                checkout(null, t, t, null, reader);
                return new Step(true, false, List.of());
            }
            RevCommit h = rw.parseCommit(headId);
            if (h.equals(t) || rw.isMergedInto(t, h)) {
                return new Step(false, false, List.of());
            }
            rw.reset();
            if (rw.isMergedInto(h, t)) {
                checkout(h, t, t, null, reader);
                return new Step(true, false, List.of());
            }
            rw.reset();
            rw.setRevFilter(RevFilter.MERGE_BASE);
            rw.markStart(rw.parseCommit(h));
            rw.markStart(rw.parseCommit(t));
            RevCommit base = rw.next();
            rw.reset();
            rw.setRevFilter(RevFilter.ALL);
            TreeResult merged = mergeTrees(base == null ? null : rw.parseCommit(base), rw.parseCommit(h),
                    rw.parseCommit(t), reader, ins);
            merged.warnings.forEach(warn);
            if (!merged.conflicts.isEmpty()) {
                throw new IrException(ExitCode.BUSY, "cannot merge " + theirName + ": both sides changed "
                        + String.join(", ", merged.conflicts.subList(0, Math.min(5, merged.conflicts.size())))
                        + (merged.conflicts.size() > 5 ? ", ..." : "") + " in ways ir cannot merge; nothing was "
                        + "changed: run 'git pull', resolve and commit those files, then run 'ir sync' again");
            }
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(merged.tree);
            cb.setParentIds(h, t);
            cb.setAuthor(author);
            cb.setCommitter(committer);
            StringBuilder msg = new StringBuilder("ir sync: merge ").append(theirName).append("\n\n");
            if (!merged.incidents.isEmpty()) {
                msg.append("Merged incidents: ").append(String.join(", ", merged.incidents)).append("\n");
            }
            msg.append("Ir-Event: sync\n");
            cb.setMessage(msg.toString());
            ObjectId commit = ins.insert(cb);
            ins.flush();
            RevCommit mc = rw.parseCommit(commit);
            checkout(h, mc, mc, merged.incidents, reader);
            return new Step(true, true, merged.incidents);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "git merge failed: " + e.getMessage(), e);
        }
    }

    private record TreeResult(ObjectId tree, List<String> conflicts, List<String> incidents, List<String> warnings) {
    }

    private record Entry(FileMode mode, ObjectId id) {
    }

    private TreeResult mergeTrees(RevCommit base, RevCommit ours, RevCommit theirs, ObjectReader reader,
                                  ObjectInserter ins) throws IOException {
        Map<String, Entry> result = new TreeMap<>();
        List<String> conflicts = new ArrayList<>();
        List<String> incidents = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Incident> mergedIncidents = new LinkedHashMap<>();
        Map<String, Boolean> textConflicts = new LinkedHashMap<>();
        String incidentsPrefix = ws.gitPath(ws.incidentsDir()) + "/";
        try (NameConflictTreeWalk tw = new NameConflictTreeWalk(repo, reader)) {
            tw.setRecursive(true);
            if (base == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                tw.addTree(base.getTree());
            }
            tw.addTree(ours.getTree());
            tw.addTree(theirs.getTree());
            while (tw.next()) {
                String path = tw.getPathString();
                Entry b = entry(tw, 0);
                Entry o = entry(tw, 1);
                Entry t = entry(tw, 2);
                if (Objects.equals(o, t)) {
                    put(result, path, o);
                    continue;
                }
                if (Objects.equals(o, b)) {
                    put(result, path, t);
                    continue;
                }
                if (Objects.equals(t, b)) {
                    put(result, path, o);
                    continue;
                }
                boolean files = o != null && t != null && isFile(o) && isFile(t) && (b == null || isFile(b))
                        && !tw.isDirectoryFileConflict();
                if (!files) {
                    conflicts.add(path);
                    continue;
                }
                FileMode mode = o.mode.equals(t.mode) ? o.mode : b != null && o.mode.equals(b.mode) ? t.mode
                        : b != null && t.mode.equals(b.mode) ? o.mode : null;
                if (mode == null) {
                    conflicts.add(path);
                    continue;
                }
                byte[] bb = b == null ? new byte[0] : reader.open(b.id).getBytes();
                byte[] ob = reader.open(o.id).getBytes();
                byte[] tb = reader.open(t.id).getBytes();
                String id = incidentId(path, incidentsPrefix, ".yaml");
                if (id != null) {
                    try {
                        IncidentFileMerge.Result r = IncidentFileMerge.merge(bb, ob, tb, path);
                        result.put(path, new Entry(mode, ins.insert(Constants.OBJ_BLOB, r.bytes())));
                        incidents.add(id);
                        mergedIncidents.put(id, r.incident());
                        warnings.addAll(r.warnings());
                    } catch (IrException e) {
                        warnings.add(e.getMessage());
                        conflicts.add(path);
                    }
                    continue;
                }
                if (RawText.isBinary(ob) || RawText.isBinary(tb) || RawText.isBinary(bb)) {
                    conflicts.add(path);
                    continue;
                }
                MergeResult<RawText> mr = new MergeAlgorithm().merge(RawTextComparator.DEFAULT, new RawText(bb),
                        new RawText(ob), new RawText(tb));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                new MergeFormatter().formatMerge(out, mr, "base", "ours", "theirs", StandardCharsets.UTF_8);
                result.put(path, new Entry(mode, ins.insert(Constants.OBJ_BLOB, out.toByteArray())));
                if (mr.containsConflicts()) {
                    textConflicts.put(path, true);
                }
            }
        }
        // Post-mortems of merged incidents are rendered again from the merged incident, unless a side's Markdown
        // was edited by hand (the hook decides): then the text merge stands, and a conflict is left for a person.
        for (Map.Entry<String, Incident> m : mergedIncidents.entrySet()) {
            String md = incidentsPrefix + m.getKey() + ".md";
            String yaml = incidentsPrefix + m.getKey() + ".yaml";
            Entry e = result.get(md);
            if (hook == null || e == null) {
                continue;
            }
            PostmortemHook.Rerendered r;
            try {
                r = hook.rerender(m.getValue(), side(ours, yaml, md, reader), side(theirs, yaml, md, reader));
            } catch (IrException bad) {
                // A template that is gone or broken must not stop responders from sharing the incident.
                warnings.add("did not re-render " + md + " after the merge: " + bad.getMessage()
                        + "; run 'ir postmortem' when it is fixed");
                r = null;
            }
            if (r != null) {
                result.put(md, new Entry(e.mode, ins.insert(Constants.OBJ_BLOB, r.markdown())));
                Entry y = result.get(yaml);
                result.put(yaml, new Entry(y == null ? FileMode.REGULAR_FILE : y.mode,
                        ins.insert(Constants.OBJ_BLOB, IncidentCodec.toYaml(r.incident()))));
                textConflicts.remove(md);
            }
        }
        conflicts.addAll(textConflicts.keySet());
        DirCache dc = DirCache.newInCore();
        DirCacheBuilder builder = dc.builder();
        for (Map.Entry<String, Entry> e : result.entrySet()) {
            DirCacheEntry ent = new DirCacheEntry(e.getKey());
            ent.setFileMode(e.getValue().mode);
            ent.setObjectId(e.getValue().id);
            builder.add(ent);
        }
        builder.finish();
        ObjectId tree = conflicts.isEmpty() ? dc.writeTree(ins) : null;
        ins.flush();
        return new TreeResult(tree, new ArrayList<>(new TreeSet<>(conflicts)), incidents, warnings);
    }

    /** One side's incident and post-mortem for the post-mortem hook; an unreadable side has no incident. */
    private PostmortemHook.Side side(RevCommit commit, String yamlPath, String mdPath, ObjectReader reader)
            throws IOException {
        byte[] y = blob(commit, yamlPath, reader);
        Incident incident = null;
        if (y != null) {
            try {
                incident = IncidentCodec.parse(y, yamlPath);
            } catch (IrException bad) {
                incident = null;
            }
        }
        return new PostmortemHook.Side(incident, blob(commit, mdPath, reader));
    }

    private byte[] blob(RevCommit commit, String path, ObjectReader reader) throws IOException {
        try (TreeWalk w = TreeWalk.forPath(reader, path, commit.getTree())) {
            if (w == null) {
                return null;
            }
            var loader = reader.open(w.getObjectId(0), Constants.OBJ_BLOB);
            return loader.getSize() > YamlCodec.MAX_DOCUMENT_BYTES ? null : loader.getBytes();
        }
    }

    private static void put(Map<String, Entry> result, String path, Entry e) {
        if (e != null) {
            result.put(path, e);
        }
    }

    private static Entry entry(TreeWalk tw, int n) {
        FileMode m = tw.getFileMode(n);
        return m == FileMode.MISSING ? null : new Entry(m, tw.getObjectId(n));
    }

    private static boolean isFile(Entry e) {
        return e.mode == FileMode.REGULAR_FILE || e.mode == FileMode.EXECUTABLE_FILE;
    }

    /** The incident ID when {@code path} is {@code incidents/<id><ext>}, else null. */
    private static String incidentId(String path, String prefix, String ext) {
        if (!path.startsWith(prefix) || !path.endsWith(ext)) {
            return null;
        }
        String id = path.substring(prefix.length(), path.length() - ext.length());
        return IncidentIds.isValid(id) ? id : null;
    }

    // ---- work tree -----------------------------------------------------------------------------------------------

    /**
     * Moves the branch from {@code from} to {@code to}, updating the work tree and index for the paths that differ.
     * Refuses (changing nothing) when one of them has uncommitted changes. Files are written before the branch
     * moves, under the journal, so an interrupted sync is recovered by the next command.
     */
    private void checkout(RevCommit from, RevCommit to, RevCommit target, List<String> incidents,
                          ObjectReader reader) throws IOException {
        Map<String, Entry> changes = new LinkedHashMap<>();
        Map<String, ObjectId> old = new LinkedHashMap<>();
        try (TreeWalk tw = new TreeWalk(repo, reader)) {
            tw.setRecursive(true);
            if (from == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                tw.addTree(from.getTree());
            }
            tw.addTree(to.getTree());
            tw.setFilter(TreeFilter.ANY_DIFF);
            while (tw.next()) {
                changes.put(tw.getPathString(), entry(tw, 1));
                Entry before = entry(tw, 0);
                old.put(tw.getPathString(), before == null ? null : before.id);
            }
        }
        for (Map.Entry<String, Entry> c : changes.entrySet()) {
            checkSafe(c.getKey(), c.getValue());
        }
        DirCache index = git.lockIndex(lockTimeout);
        try {
            List<String> dirty = new ArrayList<>();
            for (Map.Entry<String, Entry> c : changes.entrySet()) {
                String path = c.getKey();
                ObjectId was = old.get(path);
                DirCacheEntry ie = index.getEntry(path);
                ObjectId indexed = ie == null ? null : ie.getObjectId();
                Path file = ws.workTree().resolve(path);
                ObjectId onDisk = Files.isRegularFile(file) ? blobId(Files.readAllBytes(file))
                        : Files.exists(file) ? ObjectId.zeroId() : null;
                ObjectId want = c.getValue() == null ? null : c.getValue().id;
                boolean diskOk = Objects.equals(onDisk, was) || Objects.equals(onDisk, want);
                boolean indexOk = Objects.equals(indexed, was) || Objects.equals(indexed, want);
                if (!diskOk || !indexOk) {
                    dirty.add(path);
                }
            }
            if (!dirty.isEmpty()) {
                throw new IrException(ExitCode.BUSY, "your uncommitted changes to " + String.join(", ",
                        dirty.subList(0, Math.min(5, dirty.size()))) + (dirty.size() > 5 ? ", ..." : "")
                        + " would be overwritten by the sync; nothing was changed: commit or stash them, then run "
                        + "'ir sync' again");
            }
            journal.begin(new ArrayList<>(changes.keySet()));
            for (Map.Entry<String, Entry> c : changes.entrySet()) {
                Path file = ws.workTree().resolve(c.getKey());
                if (c.getValue() == null) {
                    Files.deleteIfExists(file);
                } else {
                    AtomicFiles.write(file, reader.open(c.getValue().id).getBytes());
                    if (c.getValue().mode == FileMode.EXECUTABLE_FILE) {
                        file.toFile().setExecutable(true);
                    }
                }
            }
            DirCacheEditor edit = index.editor();
            for (Map.Entry<String, Entry> c : changes.entrySet()) {
                Entry e = c.getValue();
                if (e == null) {
                    edit.add(new DirCacheEditor.DeletePath(c.getKey()));
                    continue;
                }
                Path file = ws.workTree().resolve(c.getKey());
                edit.add(new DirCacheEditor.PathEdit(c.getKey()) {
                    @Override
                    public void apply(DirCacheEntry ent) {
                        ent.setFileMode(e.mode);
                        ent.setObjectId(e.id);
                        try {
                            ent.setLength(Files.size(file));
                            ent.setLastModified(Files.getLastModifiedTime(file).toInstant());
                        } catch (IOException ignored) {
                            // git re-hashes the file: only slower
                        }
                    }
                });
            }
            edit.finish();
            index.write();
            index.commit();
            RefUpdate ru = repo.updateRef(Constants.HEAD);
            ru.setNewObjectId(target);
            ru.setExpectedOldObjectId(from == null ? ObjectId.zeroId() : from);
            ru.setRefLogIdent(committer);
            ru.setRefLogMessage(incidents == null ? "ir sync: fast-forward" : "ir sync: merge", false);
            RefUpdate.Result r = ru.update();
            switch (r) {
                case NEW, FAST_FORWARD, FORCED -> { }
                default -> throw new IrException(ExitCode.BUSY, "git refused to move the branch (" + r
                        + "): another program changed it during the sync; run 'ir sync' again");
            }
            journal.end();
        } finally {
            index.unlock();
        }
    }

    /**
     * A fetched tree is untrusted: refuse paths git itself would refuse ({@code ..}, {@code .git}, ...), paths that
     * leave the work tree through a symbolic link, and links or submodules (ir writes only regular files).
     */
    private void checkSafe(String path, Entry e) {
        try {
            org.eclipse.jgit.util.SystemReader.getInstance().checkPath(path);
        } catch (org.eclipse.jgit.errors.CorruptObjectException ex) {
            throw unsafe(path, ex.getMessage());
        }
        Path root = ws.workTree().toAbsolutePath().normalize();
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw unsafe(path, "outside the work tree");
        }
        try {
            Path realRoot = root.toRealPath();
            for (Path p = file.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    if (!p.toRealPath().startsWith(realRoot) || Files.isSymbolicLink(p)) {
                        throw unsafe(path, "a directory on its way is a symbolic link");
                    }
                    break;
                }
            }
            if (Files.isSymbolicLink(file)) {
                throw unsafe(path, "it is a symbolic link in the work tree");
            }
        } catch (IOException ex) {
            throw unsafe(path, ex.getMessage());
        }
        if (e != null && e.mode != FileMode.REGULAR_FILE && e.mode != FileMode.EXECUTABLE_FILE) {
            throw new IrException(ExitCode.BUSY, "the sync would check out " + path + " as a symbolic link or "
                    + "submodule, which ir does not do; nothing was changed: use 'git pull' for this merge");
        }
    }

    private static IrException unsafe(String path, String why) {
        return new IrException(ExitCode.FAILURE, "refusing to check out '" + path + "' from the remote (" + why
                + "); nothing was changed");
    }

    private static ObjectId blobId(byte[] content) {
        try (ObjectInserter.Formatter f = new ObjectInserter.Formatter()) {
            return f.idFor(Constants.OBJ_BLOB, content);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private String currentBranch() {
        try {
            Ref head = repo.exactRef(Constants.HEAD);
            if (head == null || !head.isSymbolic()) {
                throw IrException.usage("HEAD is not on a branch: check out the branch to sync (git switch main)");
            }
            return Repository.shortenRefName(head.getTarget().getName());
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read HEAD: " + e.getMessage(), e);
        }
    }

    private ObjectId resolve(String rev) {
        try {
            return repo.resolve(rev);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + rev + ": " + e.getMessage(), e);
        }
    }

    private static boolean looksLikeUrl(String remote) {
        return remote.contains("://") || remote.contains("/") || remote.contains("\\") || remote.contains(":")
                || remote.endsWith(".git");
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && (m == null || !m.contains(c.getMessage()))) {
            m = (m == null ? "" : m + ": ") + c.getMessage();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
