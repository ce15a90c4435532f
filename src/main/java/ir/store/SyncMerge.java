package ir.store;

import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.PostmortemHook;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeFormatter;
import org.eclipse.jgit.merge.MergeResult;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.NameConflictTreeWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The merge {@code ir sync} computes in memory, before anything changes: incident files semantically (events union,
 * later change wins), post-mortems rendered again from the merged incident (through the hook), other files line by
 * line as git would. A path ir cannot merge is a conflict, which leaves everything as it was.
 */
final class SyncMerge {
    private final Repository repo;
    private final Workspace ws;
    private final PostmortemHook hook;
    private final ir.model.IncidentMerge.Context context;

    SyncMerge(Repository repo, Workspace ws, PostmortemHook hook, ir.model.IncidentMerge.Context context) {
        this.repo = repo;
        this.ws = ws;
        this.hook = hook;
        this.context = context;
    }

    record TreeResult(ObjectId tree, List<String> conflicts, List<String> incidents, List<String> warnings) {
    }

    record Entry(FileMode mode, ObjectId id) {
    }

    TreeResult mergeTrees(RevCommit base, RevCommit ours, RevCommit theirs, ObjectReader reader,
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
                        IncidentFileMerge.Result r = IncidentFileMerge.merge(bb, ob, tb, path, context);
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

    static Entry entry(TreeWalk tw, int n) {
        FileMode m = tw.getFileMode(n);
        return m == FileMode.MISSING ? null : new Entry(m, tw.getObjectId(n));
    }

    static boolean isFile(Entry e) {
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

}
