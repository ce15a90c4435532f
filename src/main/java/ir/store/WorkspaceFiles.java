package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The one rule for the files ir reads and writes in a workspace ({@code .gitattributes}, {@code ir.yaml}, incidents,
 * post-mortems, templates and partials): each is reached without following a symbolic link and must be a regular
 * file inside the workspace. A cloned repository is untrusted: a link named {@code .gitattributes} or
 * {@code incidents/x.yaml} could otherwise make ir show, commit and push a file from anywhere on the machine. The
 * workspace root itself may be reached through links (such as {@code /tmp} on macOS); below it, every component is
 * looked at with one {@code lstat}, and the file is opened with {@code O_NOFOLLOW}.
 */
public final class WorkspaceFiles {
    private static final String READS = "ir reads only regular files inside the workspace";
    private static final String WRITES = "ir writes only regular files inside the workspace";

    private WorkspaceFiles() {
    }

    /**
     * The bytes of {@code rel} (with {@code /}, relative to {@code root}), or null when there is nothing there.
     * Refused in one line (exit 1) when it, or a directory on the way to it, is a symbolic link, or when it is not a
     * regular file; {@code tooLarge} makes the error for a file over {@code limit} bytes (given its size).
     */
    public static byte[] read(Path root, String rel, int limit, LongFunction<IrException> tooLarge) {
        Path file = check(root, rel, false);
        if (file == null) {
            return null;
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            long size = ch.size();
            if (size > limit) {
                throw tooLarge.apply(size);
            }
            InputStream in = Channels.newInputStream(ch);
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw tooLarge.apply(bytes.length);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            // Replaced by a link between the lstat and the open: O_NOFOLLOW refused it (ELOOP).
            if (Files.isSymbolicLink(file)) {
                throw refusal(false, rel, "it is a symbolic link");
            }
            throw new IrException(ExitCode.FAILURE, "cannot read " + rel + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + rel + ": " + e.getMessage(), e);
        }
    }

    /** {@link #read}, with no limit other than what an array holds. */
    public static byte[] read(Path root, String rel) {
        return read(root, rel, Integer.MAX_VALUE - 16, size -> new IrException(ExitCode.FAILURE, rel + " is too "
                + "large to read"));
    }

    /** Whether {@code rel} is a regular file reached without a link (false when absent; refused when a link). */
    public static boolean isFile(Path root, String rel) {
        return check(root, rel, false) != null;
    }

    /**
     * Refuses, in one line (exit 1), to write {@code rel} when a directory on the way to it, or what is in its place,
     * is a symbolic link or not what it should be; an absent file (or directory) is fine: it is created.
     */
    public static void checkWrite(Path root, String rel) {
        check(root, rel, true);
    }

    /**
     * Refuses to write {@code rel} when a directory on the way to it is a symbolic link (or not a directory): the
     * last line of defence of a checkout, which replaces a link in the file's own place by a rename, never writing
     * through it.
     */
    static void checkDirectories(Path root, String rel) {
        int slash = rel.lastIndexOf('/');
        if (slash > 0) {
            check(root, rel.substring(0, slash), true, rel);
        }
    }

    private static Path check(Path root, String rel, boolean write) {
        return check(root, rel, write, null);
    }

    /**
     * The file at {@code rel} under {@code root}, or null when nothing is there, after one {@code lstat} per
     * component: refused when any is a link, a directory on the way is not a directory, or the file is not regular.
     * With {@code file} given, {@code rel} is the directory it is in, and must be one.
     */
    private static Path check(Path root, String rel, boolean write, String file) {
        String[] parts = rel.split("/");
        Path p = root;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("not a plain relative path: " + rel);
            }
            p = p.resolve(part);
            boolean last = i == parts.length - 1;
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException | NotDirectoryException e) {
                return null;
            } catch (IOException e) {
                throw new IrException(ExitCode.FAILURE, "cannot " + (write ? "write " : "read ") + rel + ": "
                        + e.getMessage(), e);
            }
            String named = file == null ? rel : file;
            String what = last && file == null ? "it" : String.join("/", java.util.Arrays.copyOf(parts, i + 1));
            if (a.isSymbolicLink()) {
                throw refusal(write, named, what + " is a symbolic link");
            }
            if ((!last || file != null) && !a.isDirectory()) {
                throw refusal(write, named, what + " is not a directory");
            }
            if (last && file == null && !a.isRegularFile()) {
                throw refusal(write, named, "it is " + (a.isDirectory() ? "a directory" : "not a regular file"));
            }
        }
        return p;
    }

    /**
     * Writes an output file the user named ({@code ir report -o FILE}, the site) atomically: readers see the old or
     * the new content. Any path is the user's choice, but inside the workspace it is reached without following a
     * symbolic link (a link in a cloned repository must not carry the write out of it); outside, the directories are
     * created as needed. Refused in one line (exit 1) when it cannot be written.
     */
    public static void writeOutput(Path root, Path target, byte[] content) {
        Path abs = target.toAbsolutePath().normalize();
        try {
            // The root as named and as it really is: a target spelled either way is inside.
            for (Path base : List.of(root.toAbsolutePath().normalize(), root.toRealPath())) {
                if (abs.startsWith(base) && !abs.equals(base)) {
                    String rel = base.relativize(abs).toString().replace(java.io.File.separatorChar, '/');
                    checkWrite(base, rel);
                }
            }
            AtomicFiles.write(abs, content);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static IrException refusal(boolean write, String rel, String why) {
        return new IrException(ExitCode.FAILURE, "refusing to " + (write ? "write " : "read ") + rel + ": " + why
                + "; " + (write ? WRITES : READS));
    }
}
