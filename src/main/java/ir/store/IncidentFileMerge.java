package ir.store;

import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentMerge;
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
     */
    public static Result merge(byte[] base, byte[] ours, byte[] theirs, String name) {
        Incident b = base == null || base.length == 0 ? null : IncidentCodec.parse(base, name + " (base)");
        Incident o = IncidentCodec.parse(ours, name + " (ours)");
        Incident t = IncidentCodec.parse(theirs, name + " (theirs)");
        if (!o.id().equals(t.id()) || b != null && !b.id().equals(o.id())) {
            throw new IrException(ExitCode.BUSY, name + ": the two sides describe different incidents ("
                    + o.id() + ", " + t.id() + "): merge it by hand");
        }
        IncidentMerge.Result r = IncidentMerge.merge(b, o, t);
        byte[] merged = IncidentCodec.toYaml(r.incident());
        if (merged.length > YamlCodec.MAX_DOCUMENT_BYTES) {
            // what ir writes it must be able to read back: leave this merge to a person instead
            throw new ir.model.IrException(ir.model.ExitCode.BUSY, name + " would be " + (merged.length / 1024)
                    + " KiB after the merge, over the " + (YamlCodec.MAX_DOCUMENT_BYTES / (1024 * 1024)) + " MiB limit "
                    + "for one file: trim long entries on one side (link to long output instead), then merge again");
        }
        return new Result(merged, r.incident(), r.warnings());
    }

    /** {@code ir merge-file}: git's merge driver protocol; the result replaces {@code ours}. */
    public static List<String> mergeFiles(Path base, Path ours, Path theirs, String name) {
        Result r = merge(read(base), read(ours), read(theirs), name);
        try {
            AtomicFiles.write(ours, r.bytes());
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write " + ours + ": " + e.getMessage(), e);
        }
        return r.warnings();
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
