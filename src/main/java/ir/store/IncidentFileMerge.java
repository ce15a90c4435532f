package ir.store;

import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentMerge;
import ir.model.IrConfig;
import ir.model.IrException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The semantic merge of incident files (bytes in, bytes out): used by {@code ir sync} and by the git merge driver
 * {@code ir merge-file}. Invalid YAML on any side is an error, so git falls back to marking the file conflicted.
 */
public final class IncidentFileMerge {
    /** The merged file and the warnings for the person. */
    public record Result(byte[] bytes, Incident incident, List<String> warnings) {
    }

    private IncidentFileMerge() {
    }

    /**
     * Merges three versions of an incident file.
     *
     * @param base an empty or null array when there is no common ancestor (both sides added the file)
     * @param name the file's name, for error messages
     * @param context the workspace's severity order and the time of the merge
     */
    public static Result merge(byte[] base, byte[] ours, byte[] theirs, String name, IncidentMerge.Context context) {
        Incident b = base == null || base.length == 0 ? null : IncidentCodec.parse(base, name + " (base)");
        Incident o = IncidentCodec.parse(ours, name + " (ours)");
        Incident t = IncidentCodec.parse(theirs, name + " (theirs)");
        if (!o.id().equals(t.id()) || b != null && !b.id().equals(o.id())) {
            throw new IrException(ExitCode.BUSY, name + ": the two sides describe different incidents ("
                    + o.id() + ", " + t.id() + "): merge it by hand");
        }
        IncidentMerge.Result r = IncidentMerge.merge(b, o, t, context);
        byte[] merged = IncidentCodec.toYaml(r.incident());
        if (merged.length > YamlCodec.MAX_DOCUMENT_BYTES) {
            // what ir writes it must be able to read back: leave this merge to a person instead
            throw new ir.model.IrException(ir.model.ExitCode.BUSY, name + " would be " + (merged.length / 1024)
                    + " KiB after the merge, over the " + (YamlCodec.MAX_DOCUMENT_BYTES / (1024 * 1024)) + " MiB limit "
                    + "for one file: trim long entries on one side (link to long output instead), then merge again");
        }
        return new Result(merged, r.incident(), r.warnings());
    }

    /** Like {@link #merge(byte[], byte[], byte[], String, IncidentMerge.Context)} with ir init's severity levels. */
    public static Result merge(byte[] base, byte[] ours, byte[] theirs, String name) {
        return merge(base, ours, theirs, name, new IncidentMerge.Context(IncidentMerge.Context.DEFAULT_SEVERITIES,
                null));
    }

    /**
     * {@code ir merge-file}: git's merge driver protocol; the result replaces {@code ours}. Git runs the driver at
     * the top of the work tree and passes the file's path there ({@code name}): the workspace is the directory above
     * its {@code incidents/}, and its ir.yaml (as in the work tree, our side) ranks the severities. Without one, the
     * levels {@code ir init} writes.
     */
    public static List<String> mergeFiles(Path base, Path ours, Path theirs, Path path, String name,
                                          java.time.Instant at) {
        IrConfig config = configNear(path);
        IncidentMerge.Context context = config == null
                ? new IncidentMerge.Context(IncidentMerge.Context.DEFAULT_SEVERITIES, at)
                : IncidentMerge.Context.of(config, at);
        Result r = merge(read(base), read(ours), read(theirs), name, context);
        try {
            AtomicFiles.write(ours, r.bytes());
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write " + ours + ": " + e.getMessage(), e);
        }
        return r.warnings();
    }

    /** The ir.yaml of the workspace that holds {@code incidents/<file>}, or null when there is none to read. */
    private static IrConfig configNear(Path incidentFile) {
        Path incidents = incidentFile == null ? null : incidentFile.toAbsolutePath().normalize().getParent();
        Path root = incidents == null ? null : incidents.getParent();
        if (root == null) {
            return null;
        }
        Path yaml = root.resolve(Workspace.CONFIG);
        try {
            if (!Files.isRegularFile(yaml, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || Files.size(yaml) > YamlCodec.MAX_DOCUMENT_BYTES) {
                return null;
            }
            return ConfigCodec.parse(Files.readAllBytes(yaml), Workspace.CONFIG);
        } catch (IOException | IrException unreadable) {
            // The merge must not fail over ir.yaml: ir init's levels rank alike for most teams.
            return null;
        }
    }

    private static byte[] read(Path file) {
        try {
            if (Files.size(file) > YamlCodec.MAX_DOCUMENT_BYTES) {
                throw new IrException(ExitCode.FAILURE, file + " is over the size limit of an incident file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(YamlCodec.MAX_DOCUMENT_BYTES + 1);
            }
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
