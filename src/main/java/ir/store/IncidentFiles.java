package ir.store;

import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IncidentSummary;
import ir.model.IrException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The read side of a backend: the incident files of a workspace, parsed (each parse kept for the very same bytes),
 * listed and summarised (through the {@link SummaryCache}), and chosen by what the user typed.
 */
final class IncidentFiles {
    private final Workspace ws;
    private final SummaryCache summaries;
    /**
     * Incidents as parsed from the very bytes of their file: a long-lived backend then parses a file again only when
     * its bytes changed. A few entries; the file is always read again and compared byte for byte.
     */
    private final Map<Path, Parsed> parsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Parsed> eldest) {
            return size() > 8;
        }
    };

    private record Parsed(byte[] bytes, Incident incident) {
    }

    IncidentFiles(Workspace ws, SummaryCache summaries) {
        this.ws = ws;
        this.summaries = summaries;
    }

    /** Every incident ID in the workspace, sorted. */
    List<String> ids() {
        List<String> ids = unsortedIds();
        Collections.sort(ids);
        return ids;
    }

    /** The incident IDs in the directory's own order (the summary cache sorts them only when they changed). */
    private List<String> unsortedIds() {
        Path dir = ws.incidentsDir();
        // Plain names from File.list: with 10,000 incidents, several times cheaper than a stream of Paths.
        String[] names = dir.toFile().list();
        if (names == null) {
            if (!Files.isDirectory(dir)) {
                return new ArrayList<>();
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

    Incident load(String id) {
        String valid = IncidentIds.validate(id);
        Path file = ws.incidentFile(valid);
        byte[] bytes = readBounded(ws.root(), ws.display(file));
        if (bytes == null) {
            throw IrException.notFound("no incident '" + id + "': run 'ir list' to see them");
        }
        synchronized (parsed) {
            Parsed known = parsed.get(file);
            if (known != null && Arrays.equals(bytes, known.bytes())) {
                return known.incident();
            }
        }
        Incident incident = IncidentCodec.parse(bytes, ws.display(file));
        if (!incident.id().equals(valid)) {
            throw new IrException(ExitCode.FAILURE, ws.display(file) + " says its id is '" + incident.id()
                    + "': an incident's id must match its file name; fix one of them");
        }
        remember(file, bytes, incident);
        return incident;
    }

    /** Tells the cache what {@code bytes}, just written to {@code file}, parse to. */
    void remember(Path file, byte[] bytes, Incident incident) {
        synchronized (parsed) {
            parsed.put(file, new Parsed(bytes, incident));
        }
    }

    List<Incident> loadAll(Consumer<String> warnings) {
        List<String> ids = ids();
        // Parsing is most of the cost of a report over thousands of files: parse on every core (load is thread-safe:
        // the codec is, and the cache of parsed files is synchronized), then keep the id order and the warnings' order.
        Object[] results = new Object[ids.size()];
        java.util.stream.IntStream range = java.util.stream.IntStream.range(0, ids.size());
        (ids.size() >= 256 ? range.parallel() : range).forEach(k -> {
            try {
                results[k] = load(ids.get(k));
            } catch (IrException e) {
                results[k] = e;
            }
        });
        List<Incident> out = new ArrayList<>(ids.size());
        for (Object r : results) {
            if (r instanceof Incident i) {
                out.add(i);
            } else {
                warnings.accept(((IrException) r).getMessage());
            }
        }
        return out;
    }

    /** From the {@link SummaryCache}: only files changed since the last listing are parsed. */
    List<IncidentSummary> summaries(Consumer<String> warnings) {
        return summaries.summaries(this::unsortedIds, this::load, warnings);
    }

    String select(String query, Optional<String> current) {
        if (query != null && query.isBlank()) {
            // Typically -i "$ID" with ID unset: acting on whichever incident is current would be a silent surprise.
            throw IrException.usage("-i is empty: give an incident ID, a unique prefix or substring, or leave -i out "
                    + "for the current incident");
        }
        if (query == null) {
            String cur = current.orElseThrow(() -> IrException.notFound(
                    "no current incident in this clone: pass -i ID, or run 'ir use ID' ('ir list' shows them)"));
            if (!present(ws.incidentFile(cur))) {
                throw IrException.notFound("the current incident '" + cur + "' no longer exists: pass -i ID, or "
                        + "run 'ir use ID'");
            }
            return cur;
        }
        String q = query.trim().toLowerCase(Locale.ROOT);
        if (IncidentIds.isValid(q) && present(ws.incidentFile(q))) {
            return q; // a full ID wins over prefixes anyway: no need to list every incident
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

    Optional<String> current() {
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

    void setCurrent(String id) {
        Path f = ws.stateDir().resolve("current");
        try {
            AtomicFiles.write(f, (id + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /** Whether something is at {@code file}, a link included: {@link #load} then reads it or refuses it by name. */
    private static boolean present(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The bytes of the workspace file {@code rel} (see {@link WorkspaceFiles}: never through a link), refused when
     * over the size limit; null when there is no such file.
     */
    static byte[] readBounded(Path root, String rel) {
        return WorkspaceFiles.read(root, rel, YamlCodec.MAX_DOCUMENT_BYTES, size -> new IrException(ExitCode.FAILURE,
                rel + " is " + (size / (1024 * 1024)) + " MiB, over the " + (YamlCodec.MAX_DOCUMENT_BYTES / (1024 * 1024))
                        + " MiB limit for one file: ir never writes one this large; remove it or restore it with git"));
    }
}
