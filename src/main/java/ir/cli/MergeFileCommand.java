package ir.cli;

import ir.store.IncidentFileMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code ir merge-file}: git's merge driver for incident files ({@code merge=ir} in {@code .gitattributes}, registered
 * as {@code merge.ir.driver} by {@code ir init} and {@code ir sync}). Merges like {@code ir sync} and writes the
 * result over OURS; a non-zero exit makes git report a conflict.
 */
@Command(name = "merge-file", hidden = true, description = {"Git merge driver for incident files: merges BASE, OURS "
        + "and THEIRS semantically and writes the result to OURS."},
        footer = {"", "Example (git config, set up by 'ir init'):", "  git config merge.ir.driver 'ir merge-file %%O %%A %%B %%P'"})
public final class MergeFileCommand extends IrCommand {
    @Parameters(index = "0", paramLabel = "BASE", description = "The common ancestor (empty when both sides added it).")
    Path base;

    @Parameters(index = "1", paramLabel = "OURS", description = "Our version; replaced by the merged file.")
    Path ours;

    @Parameters(index = "2", paramLabel = "THEIRS", description = "Their version.")
    Path theirs;

    @Parameters(index = "3", arity = "0..1", paramLabel = "PATH", description = "The file's path, for messages.")
    String path;

    @Override
    protected int run() {
        Path cwd = env().cwd();
        String name = path != null ? path : ours.getFileName().toString();
        // The merge is dated now: merge events record when two clones' values met.
        IncidentFileMerge.mergeFiles(cwd.resolve(base), cwd.resolve(ours), cwd.resolve(theirs),
                path == null ? null : cwd.resolve(path), name, clock().instant()).forEach(this::warn);
        return 0;
    }
}
