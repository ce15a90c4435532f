package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import org.eclipse.jgit.lib.ObjectId;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The intent record that makes a crash while ir moves the branch recoverable: {@code .git/ir/journal}, written (under
 * the workspace lock, with git's index locked) after the new commit exists and before the branch moves to it, and
 * removed once the work tree and index show it. It says which process wrote it (pid and a random nonce), which lock
 * files that process created (so recovery removes those and never another program's), the commit and its parent, and
 * each path's content before and after. A journal found by the next command was left by a process that died.
 *
 * <p>{@code .git/ir/pending}, the list of paths older versions of ir wrote before committing them, is still read:
 * see {@link #legacyPaths()}.
 */
final class Journal {
    private static final String MAGIC = "ir journal 2";

    /**
     * One path the commit changes.
     *
     * @param want   its blob in the commit; null when the commit deletes it
     * @param before its blob in the work tree before the command (null: absent), which recovery may replace
     * @param mode   its git file mode in the commit (as {@code FileMode.getBits()})
     */
    record Change(String path, ObjectId want, ObjectId before, int mode) {
    }

    /**
     * @param indexLock the file key ({@code BasicFileAttributes.fileKey()}) of the {@code index.lock} the process
     *                  created, or {@code -} when it held none
     * @param parent    the commit the branch was on; null for an unborn branch
     */
    record Entry(long pid, String nonce, String indexLock, ObjectId commit, ObjectId parent, String ref,
                 List<Change> changes) {
    }

    private final Path file;
    private final Path legacy;

    Journal(Path stateDir) {
        this.file = stateDir.resolve("journal");
        this.legacy = stateDir.resolve("pending");
    }

    void write(Entry e) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n');
        sb.append("pid ").append(e.pid()).append('\n');
        sb.append("nonce ").append(e.nonce()).append('\n');
        sb.append("index-lock ").append(e.indexLock()).append('\n');
        sb.append("ref ").append(e.ref()).append('\n');
        sb.append("commit ").append(e.commit().name()).append('\n');
        sb.append("parent ").append(name(e.parent())).append('\n');
        for (Change c : e.changes()) {
            sb.append("path ").append(name(c.want())).append(' ').append(name(c.before())).append(' ')
                    .append(Integer.toOctalString(c.mode())).append(' ').append(c.path()).append('\n');
        }
        // Renamed into place, not synced: it guards against a process dying, which loses no written page.
        Path tmp = file.resolveSibling("journal.tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, sb.toString().getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new IrException(ExitCode.FAILURE, "cannot write " + file + ": " + ex.getMessage()
                    + "; nothing was changed", ex);
        }
    }

    /** The journal a dead command left, or null. A journal ir cannot read is reported and set aside. */
    Entry read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
                throw new IllegalArgumentException("not an ir journal");
            }
            long pid = -1;
            String nonce = "";
            String indexLock = "-";
            String ref = "HEAD";
            ObjectId commit = null;
            ObjectId parent = null;
            List<Change> changes = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                int sp = line.indexOf(' ');
                String key = sp < 0 ? line : line.substring(0, sp);
                String value = sp < 0 ? "" : line.substring(sp + 1);
                switch (key) {
                    case "pid" -> pid = Long.parseLong(value);
                    case "nonce" -> nonce = value;
                    case "index-lock" -> indexLock = value;
                    case "ref" -> ref = value;
                    case "commit" -> commit = ObjectId.fromString(value);
                    case "parent" -> parent = id(value);
                    case "path" -> {
                        String[] p = value.split(" ", 4);
                        changes.add(new Change(p[3], id(p[0]), id(p[1]), Integer.parseInt(p[2], 8)));
                    }
                    default -> { } // a newer ir's field
                }
            }
            if (commit == null) {
                throw new IllegalArgumentException("no commit");
            }
            return new Entry(pid, nonce, indexLock, commit, parent, ref, changes);
        } catch (RuntimeException e) {
            Path aside = file.resolveSibling("journal.unreadable");
            try {
                Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // reported below either way
            }
            throw new IrException(ExitCode.FAILURE, "ir's journal " + file + " is unreadable (" + e.getMessage()
                    + "); it was moved to " + aside + ": check 'git status', then run the command again");
        }
    }

    void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether there is anything to recover: a journal, or an older ir's list of pending paths. */
    boolean isEmpty() {
        return !Files.exists(file) && !Files.exists(legacy);
    }

    /** The paths an older version of ir was writing when it died ({@code .git/ir/pending}); empty when none. */
    List<String> legacyPaths() {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(legacy, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    void clearLegacy() {
        try {
            Files.deleteIfExists(legacy);
        } catch (IOException ignored) {
            // read again next time: the paths are committed by then, so nothing is done twice
        }
    }

    private static String name(ObjectId id) {
        return id == null ? "-" : id.name();
    }

    private static ObjectId id(String s) {
        return s.equals("-") ? null : ObjectId.fromString(s);
    }
}
