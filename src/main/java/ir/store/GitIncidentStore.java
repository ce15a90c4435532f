package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.Change;
import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Times;
import org.eclipse.jgit.lib.PersonIdent;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The incident store of a workspace in a git work tree: YAML files under {@code incidents/}, commits with JGit. */
public final class GitIncidentStore implements IncidentStore {
    private static final Pattern PERSON = Pattern.compile("^\\s*(.*?)\\s*<([^<>]*)>\\s*$");

    private final Workspace ws;
    private final Session session;
    private final Clock clock;
    private final String identityOverride;
    private final Consumer<String> warn;
    private final Duration lockTimeout;
    private IrConfig config;
    private GitRepo git;
    private String author;
    private Journal journal;
    /** The last incident parsed and the exact bytes it was parsed from (see {@link #load}). */
    /**
     * Incidents as parsed from the very bytes of their file, by file, for the whole process: a long-lived one (the
     * background process, the shell) then parses a file again only when its bytes changed, e.g. `ir list` after
     * `ir log` reuses what the log wrote. A few entries; the file is always read again and compared byte for byte.
     */
    private static final Map<Path, Parsed> PARSED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Parsed> eldest) {
            return size() > 8;
        }
    };

    private record Parsed(byte[] bytes, Incident incident) {
    }

    private static Parsed parsed(Path file) {
        synchronized (PARSED) {
            return PARSED.get(file);
        }
    }

    private static void parsed(Path file, byte[] bytes, Incident incident) {
        synchronized (PARSED) {
            PARSED.put(file, new Parsed(bytes, incident));
        }
    }

    /**
     * @param identityOverride {@code --as} or {@code IR_AUTHOR}, or null to use git's identity
     * @param warn             where warnings go (stderr), one line each
     */
    public GitIncidentStore(Workspace ws, Clock clock, String identityOverride, Consumer<String> warn,
                            Duration lockTimeout) {
        this(ws, new Session(clock, System.getenv(), identityOverride, warn, lockTimeout, -1));
    }

    public GitIncidentStore(Workspace ws, Session session) {
        this.ws = ws;
        this.session = session;
        this.clock = session.clock();
        this.identityOverride = session.identityOverride();
        this.warn = session.warn();
        this.lockTimeout = session.lockTimeout();
    }

    /** What {@link #init} did. */
    public record InitResult(Path root, boolean created, boolean gitInitialised) {
    }

    /**
     * Creates a workspace in {@code dir}: {@code git init} if it is not in a work tree, the default {@code ir.yaml},
     * {@code incidents/}, {@code templates/} with {@code templates} (name to content), {@code .gitattributes}, and one
     * commit. Changes nothing when {@code dir} already holds {@code ir.yaml}.
     */
    public static InitResult init(Path dir, Map<String, byte[]> templates, Clock clock, String identityOverride,
                                  Consumer<String> warn, Duration lockTimeout) {
        Path root = dir.toAbsolutePath().normalize();
        if (Files.isRegularFile(root.resolve(Workspace.CONFIG))) {
            return new InitResult(root, false, false);
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot create " + root + ": " + e.getMessage(), e);
        }
        boolean gitInit = false;
        Workspace ws;
        try {
            ws = Workspace.at(root);
        } catch (IrException notInGit) {
            GitRepo.init(root);
            gitInit = true;
            ws = Workspace.at(root);
        }
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(Path.of(Workspace.CONFIG), ConfigCodec.defaultBytes());
        files.put(Path.of(Workspace.INCIDENTS, ".gitkeep"), new byte[0]);
        templates.forEach((name, content) -> files.put(Path.of(Workspace.TEMPLATES, name), content));
        Path attributes = Path.of(".gitattributes");
        byte[] attrs = gitattributes(root.resolve(attributes));
        if (attrs != null) {
            files.put(attributes, attrs);
        }
        try (GitIncidentStore store = new GitIncidentStore(ws, clock, identityOverride, warn, lockTimeout)) {
            store.writeAndCommit(files, "ir: create workspace", "init", null);
        }
        return new InitResult(root, true, gitInit);
    }

    /** Incident files merge with ir's driver (registered by the sync feature) and always use LF. */
    private static byte[] gitattributes(Path existing) {
        String line = "incidents/*.yaml merge=ir text eol=lf";
        try {
            String current = Files.isRegularFile(existing) ? Files.readString(existing, StandardCharsets.UTF_8) : "";
            if (current.lines().anyMatch(l -> l.trim().equals(line))) {
                return null;
            }
            String sep = current.isEmpty() || current.endsWith("\n") ? "" : "\n";
            return (current + sep + line + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + existing + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Workspace workspace() {
        return ws;
    }

    @Override
    public IrConfig config() {
        if (config == null) {
            Path file = ws.root().resolve(Workspace.CONFIG);
            config = ConfigCodec.parse(readBounded(file, Workspace.CONFIG), Workspace.CONFIG);
        }
        return config;
    }

    @Override
    public List<String> ids() {
        List<String> ids = unsortedIds();
        java.util.Collections.sort(ids);
        return ids;
    }

    /** The incident IDs in the directory's own order (the summary cache sorts them only when they changed). */
    private List<String> unsortedIds() {
        Path dir = ws.incidentsDir();
        // Plain names from File.list: with 10,000 incidents, several times cheaper than a stream of Paths.
        String[] names = dir.toFile().list();
        if (names == null) {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            throw new IrException(ExitCode.FAILURE, "cannot list " + dir);
        }
        List<String> ids = new ArrayList<>(names.length);
        for (String name : names) {
            if (name.endsWith(".yaml")) {
                String id = name.substring(0, name.length() - ".yaml".length());
                if (IncidentIds.isValid(id)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    @Override
    public Incident load(String id) {
        String valid = IncidentIds.validate(id);
        Path file = ws.incidentFile(valid);
        if (!Files.isRegularFile(file)) {
            throw IrException.notFound("no incident '" + id + "': run 'ir list' to see them");
        }
        byte[] bytes = readBounded(file, ws.display(file));
        // The file is always read again (another responder may have changed it); only parsing the very same bytes
        // twice is skipped, which spares a long-lived store (the shell's) most of its YAML work.
        Parsed known = parsed(file);
        if (known != null && java.util.Arrays.equals(bytes, known.bytes())) {
            return known.incident();
        }
        Incident incident = IncidentCodec.parse(bytes, ws.display(file));
        if (!incident.id().equals(valid)) {
            throw new IrException(ExitCode.FAILURE, ws.display(file) + " says its id is '" + incident.id()
                    + "': an incident's id must match its file name; fix one of them");
        }
        parsed(file, bytes, incident);
        return incident;
    }

    @Override
    public List<Incident> loadAll(Consumer<String> warnings) {
        List<Incident> out = new ArrayList<>();
        for (String id : ids()) {
            try {
                out.add(load(id));
            } catch (IrException e) {
                warnings.accept(e.getMessage());
            }
        }
        return out;
    }

    /** From the per-clone {@link SummaryCache}: only files changed since the last listing are parsed. */
    @Override
    public List<ir.model.IncidentSummary> summaries(Consumer<String> warnings) {
        return new SummaryCache(ws.stateDir(), ws.incidentsDir()).summaries(this::unsortedIds, this::load, warnings);
    }

    @Override
    public String select(String query) {
        if (query != null && query.isBlank()) {
            // Typically -i "$ID" with ID unset: acting on whichever incident is current would be a silent surprise.
            throw IrException.usage("-i is empty: give an incident ID, a unique prefix or substring, or leave -i out "
                    + "for the current incident");
        }
        if (query == null) {
            String cur = current().orElseThrow(() -> IrException.notFound(
                    "no current incident in this clone: pass -i ID, or run 'ir use ID' ('ir list' shows them)"));
            if (!Files.isRegularFile(ws.incidentFile(cur))) {
                throw IrException.notFound("the current incident '" + cur + "' no longer exists: pass -i ID, or "
                        + "run 'ir use ID'");
            }
            return cur;
        }
        String q = query.trim().toLowerCase(java.util.Locale.ROOT);
        if (IncidentIds.isValid(q) && Files.isRegularFile(ws.incidentFile(q))) {
            // a full ID wins over prefixes anyway: no need to list every incident
            return q;
        }
        List<String> all = ids();
        if (all.contains(q)) {
            return q;
        }
        List<String> matches = all.stream().filter(id -> id.startsWith(q)).toList();
        if (matches.isEmpty()) {
            matches = all.stream().filter(id -> id.contains(q)).toList();
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw IrException.notFound("no incident matches '" + query.trim() + "': run 'ir list' to see them");
        }
        throw IrException.notFound("'" + query.trim() + "' matches " + matches.size() + " incidents: "
                + String.join(", ", matches.subList(0, Math.min(10, matches.size())))
                + (matches.size() > 10 ? ", ..." : "") + "; give more of the ID");
    }

    @Override
    public Optional<String> current() {
        Path f = ws.stateDir().resolve("current");
        try {
            String id = Files.readString(f, StandardCharsets.UTF_8).trim();
            return IncidentIds.isValid(id) ? Optional.of(id) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void setCurrent(String id) {
        try {
            AtomicFiles.write(ws.stateDir().resolve("current"), (id + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write " + ws.stateDir().resolve("current") + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String author() {
        if (author == null) {
            author = resolveAuthor();
        }
        return author;
    }

    private String resolveAuthor() {
        if (identityOverride != null && !identityOverride.isBlank()) {
            return identityOverride.trim();
        }
        String[] configured = git().configuredIdentity();
        if (configured != null) {
            String name = configured[0] == null ? configured[1] : configured[0];
            return configured[1] == null || configured[1].isBlank() ? name : name + " <" + configured[1] + ">";
        }
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        String fallback = user + " <" + user + "@" + host + ">";
        warn.accept("no identity configured: logging as " + fallback + " (set git's user.name and user.email, "
                + "IR_AUTHOR or --as \"Name <email>\")");
        return fallback;
    }

    private PersonIdent ident() {
        String a = author();
        Matcher m = PERSON.matcher(a);
        String name = m.matches() ? m.group(1) : a.trim();
        String email = m.matches() ? m.group(2).trim() : "";
        if (name.isEmpty()) {
            name = email;
        }
        Instant now = clock.instant();
        return new PersonIdent(name, email, now, clock.getZone());
    }

    @Override
    public Incident create(Function<Set<String>, Change> declare) {
        try (WorkspaceLock lock = lock()) {
            recover(false);
            Change change = declare.apply(new HashSet<>(ids()));
            Incident incident = change.incident();
            Path file = ws.incidentFile(IncidentIds.validate(incident.id()));
            if (Files.exists(file)) {
                throw IrException.usage("incident " + incident.id() + " already exists: choose another --id");
            }
            writeAndCommit(Map.of(ws.root().relativize(file), IncidentCodec.toYaml(incident)),
                    incident.id() + ": " + change.summary(), change.eventType(), incident.id());
            return incident;
        }
    }

    @Override
    public Incident update(String id, Function<Incident, Change> fn) {
        try (WorkspaceLock lock = lock()) {
            recover(false);
            Incident current = load(id);
            Change change = fn.apply(current);
            Incident next = change.incident();
            if (!next.id().equals(id)) {
                throw new IllegalStateException("a change may not rename an incident");
            }
            ObjectNode tree = IncidentCodec.toTree(next);
            byte[] bytes = YamlCodec.get().writeYaml(tree);
            writeAndCommit(Map.of(ws.root().relativize(ws.incidentFile(id)), bytes),
                    id + ": " + change.summary(), change.eventType(), id);
            // What a later load of these exact bytes would parse, without scanning the YAML text again: the
            // shell's prompt and its next entry read the file back at once.
            try {
                parsed(ws.incidentFile(id), bytes, IncidentCodec.fromTree(tree, ws.display(ws.incidentFile(id))));
            } catch (RuntimeException e) {
                synchronized (PARSED) {
                    PARSED.remove(ws.incidentFile(id));
                }
            }
            return next;
        }
    }

    @Override
    public Incident updateWithFiles(String id, Function<Incident, Update> fn) {
        try (WorkspaceLock lock = lock()) {
            Incident current = load(id);
            Update update = fn.apply(current);
            Change change = update.change();
            Incident next = change.incident();
            if (!next.id().equals(id)) {
                throw new IllegalStateException("a change may not rename an incident");
            }
            Map<Path, byte[]> files = new LinkedHashMap<>();
            files.put(ws.root().relativize(ws.incidentFile(id)), IncidentCodec.toYaml(next));
            files.putAll(update.files());
            writeAndCommit(files, id + ": " + change.summary(), change.eventType(), id);
            return next;
        }
    }

    @Override
    public void commitFiles(String id, Map<Path, byte[]> files, String summary, String eventType) {
        try (WorkspaceLock lock = lock()) {
            recover(false);
            writeAndCommit(files, id + ": " + summary, eventType, id);
        }
    }

    /**
     * {@code ir sync}: commits what an interrupted command left, registers the merge driver in this clone's git
     * config if missing, then fetches, merges (incident files semantically) and pushes. The workspace lock is held
     * only while the branch and work tree change, never during network I/O, so logging goes on during a sync.
     *
     * @param remote      a remote name or URL; null for the branch's upstream, else {@code origin}
     * @param hook        re-renders post-mortems of merged incidents; null to merge them as text
     * @param mergeDriver the command git runs for {@code merge=ir}, e.g. {@code ir merge-file %O %A %B %P}
     */
    @Override
    public SyncResult sync(String remote, ir.model.PostmortemHook hook, String mergeDriver) {
        Path attrsFile = ws.root().resolve(".gitattributes");
        Map<String, byte[]> attrsBefore = new LinkedHashMap<>();
        org.eclipse.jgit.lib.ObjectId attrsCommit = null;
        try (WorkspaceLock lock = lock()) {
            recover(true);
            registerMergeDriver(git().repository().getConfig(), mergeDriver, warn);
            byte[] attrs = gitattributes(attrsFile);
            if (attrs != null) {
                attrsBefore.put(ws.gitPath(attrsFile), Files.isRegularFile(attrsFile) ? Files.readAllBytes(attrsFile)
                        : null);
                var before = git().repository().resolve(org.eclipse.jgit.lib.Constants.HEAD);
                writeAndCommit(Map.of(Path.of(".gitattributes"), attrs), "ir: merge incident files with ir's merge "
                        + "driver", "sync", null);
                var after = git().repository().resolve(org.eclipse.jgit.lib.Constants.HEAD);
                attrsCommit = after != null && !after.equals(before) ? after : null;
            }
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + attrsFile + ": " + e.getMessage(), e);
        }
        try {
            return gitSync(hook).run(remote);
        } catch (RuntimeException e) {
            // A sync that fails changes nothing: take back the .gitattributes commit it made, unless the branch moved.
            if (attrsCommit != null) {
                try (WorkspaceLock lock = lock()) {
                    git().uncommit(attrsCommit, attrsBefore, lockTimeout);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
    }

    private GitSync gitSync(ir.model.PostmortemHook hook) {
        return new GitSync(git(), ws, ident(), warn, hook, lockTimeout, journal(), () -> {
            WorkspaceLock lock = lock();
            try {
                recover(false);
                return lock;
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        });
    }

    /**
     * Registers ir's merge driver ({@code merge.ir.driver}, {@code merge.ir.name}) in the git config of the clone
     * holding {@code dir}, unless one is set already. Only this clone's own config is written: a repository's content
     * can never make git run a program.
     */
    /**
     * Tells the store it runs in a long-lived process (ir's background process): work that only later one-shot runs
     * need, such as rewriting the list cache file, is then done on a thread of its own after the command has been
     * answered. {@link #finishBackgroundWork} waits for it before the process exits.
     */
    public static void longLivedProcess() {
        SummaryCache.writeInBackground();
    }

    /** Waits (at most {@code millis}) for the work {@link #longLivedProcess} moved to the background. */
    public static void finishBackgroundWork(long millis) {
        SummaryCache.awaitWrites(millis);
    }

    public static void registerMergeDriver(Path dir, String mergeDriver, Consumer<String> warn) {
        Workspace w = Workspace.at(dir);
        try (GitRepo g = GitRepo.open(w)) {
            registerMergeDriver(g.repository().getConfig(), mergeDriver, warn);
        }
    }

    private static void registerMergeDriver(org.eclipse.jgit.lib.StoredConfig c, String mergeDriver,
                                            Consumer<String> warn) {
        if (mergeDriver == null || c.getString("merge", "ir", "driver") != null) {
            return;
        }
        c.setString("merge", "ir", "name", "ir: merge incident files (events union, later change wins)");
        c.setString("merge", "ir", "driver", mergeDriver);
        try {
            c.save();
        } catch (IOException e) {
            warn.accept("could not register ir's merge driver in the git config: " + e.getMessage());
        }
    }

    /** Commits (or reports) what a killed ir command left uncommitted; the caller holds the lock. */
    private void recover(boolean allIncidents) {
        Journal j = journal();
        if (!allIncidents && j.pending().isEmpty()) {
            return;
        }
        new Recovery(git(), ws, j, warn, lockTimeout).run(allIncidents, (files, subject, id) -> {
            StringBuilder msg = new StringBuilder(subject).append("\n\n");
            if (id != null) {
                msg.append("Incident: ").append(id).append('\n');
            }
            msg.append("Ir-Event: recovery\n");
            git().commit(files, ident(), msg.toString(), lockTimeout);
        });
    }

    private Journal journal() {
        if (journal == null) {
            journal = new Journal(ws.stateDir());
        }
        return journal;
    }

    /**
     * Writes each file atomically, then commits exactly those paths. If the commit fails, the files are put back as
     * they were, so a failing command changes nothing.
     */
    private void writeAndCommit(Map<Path, byte[]> files, String subject, String eventType, String incidentId) {
        Map<Path, byte[]> before = new LinkedHashMap<>();
        Map<String, byte[]> byGitPath = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, byte[]> f : files.entrySet()) {
                Path abs = ws.root().resolve(f.getKey()).normalize();
                if (!abs.startsWith(ws.root())) {
                    throw new IllegalArgumentException("path outside the workspace: " + f.getKey());
                }
                refuseLinks(abs, f.getKey());
                before.put(abs, Files.exists(abs) ? Files.readAllBytes(abs) : null);
                byGitPath.put(ws.gitPath(abs), f.getValue());
            }
            journal().begin(new ArrayList<>(byGitPath.keySet()));
            for (Map.Entry<Path, byte[]> f : files.entrySet()) {
                Path abs = ws.root().resolve(f.getKey()).normalize();
                if (f.getValue() == null) {
                    Files.deleteIfExists(abs);
                } else {
                    AtomicFiles.write(abs, f.getValue(), false, session.umask());
                }
            }
        } catch (IOException e) {
            restore(before);
            journal().end();
            throw new IrException(ExitCode.FAILURE, "cannot write " + e.getMessage(), e);
        }
        StringBuilder msg = new StringBuilder(subject).append("\n\n");
        if (incidentId != null) {
            msg.append("Incident: ").append(incidentId).append('\n');
        }
        msg.append("Ir-Event: ").append(eventType).append('\n');
        try {
            git().commit(byGitPath, ident(), msg.toString(), lockTimeout);
        } catch (RuntimeException e) {
            restore(before);
            journal().end();
            throw e;
        }
        journal().end();
    }

    /**
     * A cloned repository may hold {@code incidents} as a symbolic link: writing through it would put files outside
     * the workspace and commit a path git keeps as a link. (A link in the file's own place is replaced by the atomic
     * rename, never written through.)
     */
    private void refuseLinks(Path abs, Path rel) {
        for (Path p = abs.getParent(); p != null && p.startsWith(ws.root()) && !p.equals(ws.root());
                p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new IrException(ExitCode.FAILURE, "refusing to write " + rel.toString().replace('\\', '/')
                        + ": " + ws.root().relativize(p).toString().replace('\\', '/') + " is a symbolic link, and ir "
                        + "writes only inside the workspace; replace the link with a directory or file and retry");
            }
        }
    }

    private void restore(Map<Path, byte[]> before) {
        before.forEach((path, content) -> {
            try {
                if (content == null) {
                    Files.deleteIfExists(path);
                } else {
                    AtomicFiles.write(path, content);
                }
            } catch (IOException e) {
                warn.accept("could not restore " + path + ": " + e.getMessage());
            }
        });
    }

    private WorkspaceLock lock() {
        return WorkspaceLock.acquire(ws.stateDir(), lockTimeout);
    }

    private GitRepo git() {
        if (git == null) {
            git = GitRepo.open(ws);
        }
        return git;
    }

    /** The file's bytes, refused when over the size limit; {@code name} is how messages name it. */
    private static byte[] readBounded(Path file, String name) {
        try {
            long size = Files.size(file);
            if (size > YamlCodec.MAX_DOCUMENT_BYTES) {
                throw new IrException(ExitCode.FAILURE, name + " is " + (size / (1024 * 1024))
                        + " MiB, over the " + (YamlCodec.MAX_DOCUMENT_BYTES / (1024 * 1024)) + " MiB limit for one "
                        + "file: ir never writes one this large; remove it or restore it with git");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(YamlCodec.MAX_DOCUMENT_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw IrException.notFound("no such file: " + file);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String json(Object value) {
        return YamlCodec.get().writeJson(toNode(value));
    }

    @Override
    public String json(Incident incident, Map<String, Object> extra) {
        ObjectNode doc = IncidentCodec.toTree(incident);
        extra.forEach((k, v) -> doc.set(k, toNode(v)));
        return YamlCodec.get().writeJson(doc);
    }

    @Override
    public String yaml(Incident incident) {
        return YamlCodec.utf8(IncidentCodec.toYaml(incident));
    }

    private static JsonNode toNode(Object v) {
        if (v instanceof Incident i) {
            return IncidentCodec.toTree(i);
        }
        if (v instanceof Instant at) {
            return YamlCodec.newObject().textNode(Times.format(at));
        }
        if (v instanceof Duration d) {
            return YamlCodec.newObject().numberNode(d.getSeconds());
        }
        if (v instanceof Map<?, ?> map) {
            ObjectNode o = YamlCodec.newObject();
            map.forEach((k, x) -> o.set(String.valueOf(k), toNode(x)));
            return o;
        }
        if (v instanceof Collection<?> list) {
            ArrayNode a = YamlCodec.newArray();
            list.forEach(x -> a.add(toNode(x)));
            return a;
        }
        if (v == null) {
            return YamlCodec.newObject().nullNode();
        }
        return IncidentCodec.toNode(v);
    }

    @Override
    public List<Revision> history(String id) {
        List<Revision> out = new ArrayList<>();
        for (org.eclipse.jgit.revwalk.RevCommit c : git().log(incidentPaths(id))) {
            out.add(revision(c));
        }
        return out;
    }

    @Override
    public Snapshot snapshotAt(String id, String revision) {
        org.eclipse.jgit.revwalk.RevCommit c = revision == null || revision.isBlank() ? null
                : git().commitOf(revision.trim());
        if (c == null) {
            throw IrException.notFound("no commit '" + revision + "' in this repository: give a commit from "
                    + "'ir history' or a time");
        }
        return snapshot(id, c);
    }

    @Override
    public Snapshot snapshotAsOf(String id, Instant at) {
        org.eclipse.jgit.revwalk.RevCommit found = null;
        for (org.eclipse.jgit.revwalk.RevCommit c : git().log(incidentPaths(id))) {
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

    private Snapshot snapshot(String id, org.eclipse.jgit.revwalk.RevCommit c) {
        String path = incidentPaths(id).get(0);
        byte[] bytes = git().read(c, path, YamlCodec.MAX_DOCUMENT_BYTES);
        if (bytes == null) {
            throw IrException.notFound("incident " + id + " did not exist in commit " + c.abbreviate(7).name());
        }
        return new Snapshot(IncidentCodec.parse(bytes, path + " at " + c.abbreviate(7).name()), revision(c));
    }

    /** The git paths of an incident's files: its YAML first, then its rendered post-mortem. */
    private List<String> incidentPaths(String id) {
        Path yaml = ws.incidentFile(IncidentIds.validate(id));
        return List.of(ws.gitPath(yaml), ws.gitPath(ws.incidentsDir().resolve(id + ".md")));
    }

    private static Revision revision(org.eclipse.jgit.revwalk.RevCommit c) {
        PersonIdent a = c.getAuthorIdent();
        String who = a.getEmailAddress() == null || a.getEmailAddress().isEmpty() ? a.getName()
                : a.getName() + " <" + a.getEmailAddress() + ">";
        List<String> events = c.getFooterLines("Ir-Event");
        return new Revision(c.getName(), a.getWhenAsInstant(), who, c.getShortMessage(),
                events.isEmpty() ? null : events.get(events.size() - 1).trim());
    }

    @Override
    public Incident parse(byte[] yaml, String name) {
        try {
            return IncidentCodec.parse(yaml, name);
        } catch (IrException e) {
            throw e.exitCode() == ExitCode.USAGE ? e : IrException.usage(e.getMessage());
        }
    }

    @Override
    public void close() {
        if (git != null) {
            git.close();
            git = null;
        }
    }
}
