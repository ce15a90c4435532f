package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.Cadence;
import ir.model.Drill;
import ir.model.ExitCode;
import ir.model.IrException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Scenario files ({@code drills/*.yaml}, see docs/drills.md): read with the line of each problem, as {@code ir drill
 * check} reports them, written (for {@code ir drill from}), listed, and the ones {@code ir init} ships. An alert inject's
 * payload is checked by the intake's own parsers, so a scenario that passes can be played.
 */
public final class DrillFiles {
    /** The workspace's folder of scenarios. */
    public static final String DIR = "drills";
    /** The scenarios {@code ir init} writes, by file name (resources under {@code ir/drills/}). */
    public static final List<String> SHIPPED = List.of("bad-deploy.yaml", "database-failover.yaml",
            "third-party-outage.yaml");

    static final Set<String> TOP = Set.of("title", "severity", "briefing", "game_master", "injects", "expect");
    static final Set<String> INJECT = Set.of("after", "alert", "format", "say", "reveal");
    static final Set<String> SAY = Set.of("from", "text");
    static final Set<String> REVEAL = Set.of("text", "words");
    static final Set<String> EXPECT = Set.of("commander_within", "severity_within", "first_update_within",
            "update_every", "mitigated_within", "postmortem", "roles", "checklist");
    /** The longest offset or limit a scenario may give: a drill is played in a day at most. */
    static final Duration MAX_OFFSET = Duration.ofDays(1);

    private DrillFiles() {
    }

    /** A scenario read from a file: the scenario when it has no problem, else null and the problems by line. */
    public record Parsed(Drill.Scenario scenario, List<Drill.Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** The scenario files of the workspace, sorted by name. */
    public static List<Path> list(Workspace ws) {
        Path dir = ws.root().resolve(DIR);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p,
                    LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot list " + DIR + "/: " + e.getMessage(), e);
        }
    }

    /**
     * The scenario file a name means: a path to a file, else {@code drills/NAME.yaml} or {@code drills/NAME}; a usage
     * error when there is none.
     */
    public static Path find(Workspace ws, Path cwd, String name) {
        for (Path p : List.of(cwd.resolve(name), ws.root().resolve(DIR).resolve(name),
                ws.root().resolve(DIR).resolve(name + ".yaml"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw IrException.usage("no scenario '" + name + "': give a file, or one of " + DIR + "/ ("
                + String.join(", ", list(ws).stream().map(DrillFiles::name).toList()) + "; see 'ir drill list')");
    }

    /** A scenario's name: its file name without {@code .yaml}. */
    public static String name(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".yaml") ? n.substring(0, n.length() - 5) : n;
    }

    /** Reads and checks a scenario file; {@code root} bounds the files its alerts name. */
    public static Parsed read(Path file, Path root) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw IrException.usage("no such file: " + file);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, name(file), root);
    }

    /** SHA-256 of a scenario file's bytes, in hex: what a drill records to tell the scenario was not changed. */
    public static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a scenario's bytes; every problem found is reported with its line, not only the first. */
    public static Parsed parse(byte[] bytes, String name, Path root) {
        YamlCodec yc = YamlCodec.get();
        ObjectNode doc;
        List<Drill.Problem> problems = new ArrayList<>();
        try {
            doc = yc.readObject(bytes, name);
        } catch (IrException e) {
            return new Parsed(null, List.of(new Drill.Problem(lineIn(e.getMessage()), e.getMessage())));
        }
        unknown(doc, TOP, "", bytes, problems);
        String title = text(doc, "title", bytes, problems, true);
        String severity = text(doc, "severity", bytes, problems, false);
        String briefing = text(doc, "briefing", bytes, problems, false);
        String gm = text(doc, "game_master", bytes, problems, false);
        List<Drill.Inject> injects = new ArrayList<>();
        JsonNode list = doc.get("injects");
        if (list != null && !list.isArray()) {
            problems.add(new Drill.Problem(yc.lineAt(bytes, "injects"), "'injects' must be a list"));
        } else if (list != null) {
            for (int k = 0; k < list.size(); k++) {
                Drill.Inject x = inject(list.get(k), k, bytes, root, problems);
                if (x != null) {
                    injects.add(x);
                }
            }
        }
        Drill.Expect expect = expect(doc.get("expect"), bytes, problems);
        if (!problems.isEmpty()) {
            problems.sort(java.util.Comparator.comparingInt(Drill.Problem::line));
            return new Parsed(null, problems);
        }
        return new Parsed(new Drill.Scenario(name, title, severity, briefing, gm, injects, expect, digest(bytes)),
                List.of());
    }

    private static int lineIn(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("line (\\d+)").matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static void unknown(JsonNode node, Set<String> known, String where, byte[] bytes,
                                List<Drill.Problem> problems, Object... path) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                Object[] p = java.util.Arrays.copyOf(path, path.length + 1);
                p[path.length] = k;
                problems.add(new Drill.Problem(YamlCodec.get().lineAt(bytes, p), "unknown key '" + where + k
                        + "': use one of " + String.join(", ", known.stream().sorted().toList())));
            }
        }
    }

    private static String text(JsonNode doc, String key, byte[] bytes, List<Drill.Problem> problems,
                               boolean required) {
        JsonNode v = doc.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(new Drill.Problem(1, "'" + key + "' is missing"));
            }
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            problems.add(new Drill.Problem(YamlCodec.get().lineAt(bytes, key), "'" + key + "' must be text"));
            return null;
        }
        return v.asText().strip();
    }

    private static Duration duration(JsonNode v, String what, int line, List<Drill.Problem> problems) {
        Duration d = v == null || !v.isValueNode() ? null : Cadence.parseDuration(v.asText());
        if (d == null || d.compareTo(MAX_OFFSET) > 0) {
            problems.add(new Drill.Problem(line, "'" + what + "' must be a duration such as 90s, 5m or 1h30m, at "
                    + "most 1d" + (v == null || !v.isValueNode() ? "" : ", not '" + v.asText() + "'")));
            return null;
        }
        return d;
    }

    private static Drill.Inject inject(JsonNode n, int k, byte[] bytes, Path root, List<Drill.Problem> problems) {
        YamlCodec yc = YamlCodec.get();
        int line = yc.lineAt(bytes, "injects", k);
        String where = "injects[" + k + "]";
        if (!n.isObject()) {
            problems.add(new Drill.Problem(line, where + " must be a mapping with 'after' and one of alert, say, "
                    + "reveal"));
            return null;
        }
        int before = problems.size();
        unknown(n, INJECT, where + ".", bytes, problems, "injects", k);
        Duration after = duration(n.get("after"), where + ".after", n.has("after")
                ? yc.lineAt(bytes, "injects", k, "after") : line, problems);
        List<String> kinds = Stream.of("alert", "say", "reveal").filter(n::has).toList();
        if (kinds.size() != 1) {
            problems.add(new Drill.Problem(line, where + " must have exactly one of alert, say, reveal"
                    + (kinds.isEmpty() ? "" : " (it has " + String.join(", ", kinds) + ")")));
            return null;
        }
        String kind = kinds.get(0);
        JsonNode v = n.get(kind);
        int vline = yc.lineAt(bytes, "injects", k, kind);
        if (n.has("format") && !kind.equals("alert")) {
            problems.add(new Drill.Problem(yc.lineAt(bytes, "injects", k, "format"), where
                    + ".format is for an alert"));
        }
        Drill.Inject out = null;
        switch (kind) {
            case "alert" -> {
                String format = n.has("format") ? n.get("format").asText().strip().toLowerCase(Locale.ROOT) : null;
                String payload = payload(v, where, vline, root, problems);
                if (payload != null) {
                    try {
                        AlertFormats.parse(format, payload.getBytes(StandardCharsets.UTF_8));
                        out = new Drill.Inject(k, after == null ? Duration.ZERO : after, Drill.Kind.ALERT, format,
                                payload, null, null, List.of(), line);
                    } catch (IrException e) {
                        problems.add(new Drill.Problem(vline, where + ".alert does not parse: " + e.getMessage()));
                    }
                }
            }
            case "say" -> {
                if (!v.isObject()) {
                    problems.add(new Drill.Problem(vline, where + ".say must be {from, text}"));
                    return null;
                }
                unknown(v, SAY, where + ".say.", bytes, problems, "injects", k, "say");
                String from = v.path("from").asText("").strip();
                String text = v.path("text").asText("").strip();
                if (from.isEmpty() || text.isEmpty()) {
                    problems.add(new Drill.Problem(vline, where + ".say needs 'from' (who says it) and 'text'"));
                }
                out = new Drill.Inject(k, after == null ? Duration.ZERO : after, Drill.Kind.SAY, null, null, from,
                        text, List.of(), line);
            }
            default -> {
                if (!v.isObject()) {
                    problems.add(new Drill.Problem(vline, where + ".reveal must be {text, words}"));
                    return null;
                }
                unknown(v, REVEAL, where + ".reveal.", bytes, problems, "injects", k, "reveal");
                String text = v.path("text").asText("").strip();
                List<String> words = new ArrayList<>();
                JsonNode w = v.get("words");
                if (w != null && w.isArray()) {
                    w.forEach(x -> {
                        if (x.isValueNode() && !x.asText().isBlank()) {
                            words.add(x.asText().strip());
                        }
                    });
                } else if (w != null && w.isValueNode() && !w.asText().isBlank()) {
                    words.add(w.asText().strip());
                }
                if (text.isEmpty()) {
                    problems.add(new Drill.Problem(vline, where + ".reveal needs 'text' (what is revealed)"));
                }
                if (words.isEmpty()) {
                    problems.add(new Drill.Problem(vline, where + ".reveal has no words: give 'words', the words "
                            + "of a question it answers (ir drill ask)"));
                }
                out = new Drill.Inject(k, after == null ? Duration.ZERO : after, Drill.Kind.REVEAL, null, null,
                        null, text, words, line);
            }
        }
        return problems.size() == before ? out : null;
    }

    /** An alert's payload as JSON: the inline mapping, or {@code {file: PATH}} read from inside the workspace. */
    private static String payload(JsonNode v, String where, int line, Path root, List<Drill.Problem> problems) {
        if (!v.isObject()) {
            problems.add(new Drill.Problem(line, where + ".alert must be a payload (a mapping) or {file: PATH}"));
            return null;
        }
        if (v.size() == 1 && v.has("file")) {
            String f = v.get("file").asText("");
            Path r = root.toAbsolutePath().normalize();
            Path p = r.resolve(f).normalize();
            try {
                if (f.isBlank() || !p.startsWith(r) || !p.toRealPath().startsWith(r.toRealPath())) {
                    problems.add(new Drill.Problem(line, where + ".alert.file '" + f + "' must be a file inside "
                            + "the workspace"));
                    return null;
                }
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] b = in.readNBytes(AlertFormats.MAX_BYTES + 1);
                    return new String(b, StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                problems.add(new Drill.Problem(line, where + ".alert.file '" + f + "' cannot be read: "
                        + (e instanceof NoSuchFileException ? "no such file" : e.getMessage())));
                return null;
            }
        }
        return YamlCodec.get().writeCompactJson(v);
    }

    private static Drill.Expect expect(JsonNode e, byte[] bytes, List<Drill.Problem> problems) {
        if (e == null || e.isNull()) {
            return Drill.Expect.NONE;
        }
        YamlCodec yc = YamlCodec.get();
        if (!e.isObject()) {
            problems.add(new Drill.Problem(yc.lineAt(bytes, "expect"), "'expect' must be a mapping"));
            return Drill.Expect.NONE;
        }
        unknown(e, EXPECT, "expect.", bytes, problems, "expect");
        Duration[] d = new Duration[5];
        String[] keys = {"commander_within", "severity_within", "first_update_within", "update_every",
            "mitigated_within"};
        for (int k = 0; k < keys.length; k++) {
            if (e.has(keys[k])) {
                d[k] = duration(e.get(keys[k]), "expect." + keys[k], yc.lineAt(bytes, "expect", keys[k]), problems);
            }
        }
        Map<String, Duration> roles = new LinkedHashMap<>();
        JsonNode r = e.get("roles");
        if (r != null && !r.isObject()) {
            problems.add(new Drill.Problem(yc.lineAt(bytes, "expect", "roles"), "'expect.roles' must map roles to "
                    + "a time, e.g. {scribe: 10m}"));
        } else if (r != null) {
            r.fields().forEachRemaining(f -> {
                Duration x = duration(f.getValue(), "expect.roles." + f.getKey(),
                        yc.lineAt(bytes, "expect", "roles", f.getKey()), problems);
                if (x != null) {
                    roles.put(f.getKey(), x);
                }
            });
        }
        return new Drill.Expect(d[0], d[1], d[2], d[3], d[4], bool(e, "postmortem", bytes, problems), roles,
                bool(e, "checklist", bytes, problems));
    }

    private static boolean bool(JsonNode e, String key, byte[] bytes, List<Drill.Problem> problems) {
        JsonNode v = e.get(key);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(new Drill.Problem(YamlCodec.get().lineAt(bytes, "expect", key), "'expect." + key
                    + "' must be true or false"));
            return false;
        }
        return v.asBoolean();
    }

    /** A scenario as YAML, in the shape {@link #parse} reads (for {@code ir drill from}). */
    public static byte[] write(Drill.Scenario sc) {
        ObjectMapper m = new ObjectMapper();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("title", sc.title());
        if (sc.severity() != null) {
            doc.put("severity", sc.severity());
        }
        if (sc.briefing() != null) {
            doc.put("briefing", sc.briefing());
        }
        if (sc.gameMaster() != null) {
            doc.put("game_master", sc.gameMaster());
        }
        List<Object> injects = new ArrayList<>();
        for (Drill.Inject x : sc.injects()) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("after", Cadence.formatDuration(x.after()));
            switch (x.kind()) {
                case ALERT -> {
                    if (x.format() != null) {
                        i.put("format", x.format());
                    }
                    try {
                        i.put("alert", m.readTree(x.payload()));
                    } catch (IOException e) {
                        throw new IrException(ExitCode.FAILURE, "cannot write an alert payload: " + e.getMessage());
                    }
                }
                case SAY -> i.put("say", Map.of("from", x.from(), "text", x.text()));
                case REVEAL -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("text", x.text());
                    r.put("words", x.words());
                    i.put("reveal", r);
                }
            }
            injects.add(i);
        }
        doc.put("injects", injects);
        Drill.Expect x = sc.expect();
        Map<String, Object> e = new LinkedHashMap<>();
        put(e, "commander_within", x.commanderWithin());
        put(e, "severity_within", x.severityWithin());
        put(e, "first_update_within", x.firstUpdateWithin());
        put(e, "update_every", x.updateEvery());
        put(e, "mitigated_within", x.mitigatedWithin());
        if (x.postmortem()) {
            e.put("postmortem", true);
        }
        if (!e.isEmpty()) {
            doc.put("expect", e);
        }
        return YamlCodec.get().writeYaml(m.valueToTree(doc));
    }

    private static void put(Map<String, Object> e, String key, Duration d) {
        if (d != null) {
            e.put(key, Cadence.formatDuration(d));
        }
    }

    /** A shipped scenario's bytes (resources under {@code ir/drills/}). */
    public static byte[] shipped(String file) {
        try (InputStream in = DrillFiles.class.getResourceAsStream("/ir/drills/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource ir/drills/" + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
