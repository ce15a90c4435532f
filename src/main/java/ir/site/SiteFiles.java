package ir.site;

import ir.model.IrException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * Writes a built site into its directory and nowhere else. The directory holds a {@code .ir-site} list of the files
 * ir wrote: a rebuild removes the ones no longer built, and a directory that is not empty and has no such list (not
 * a site ir built) is refused, so a wrong {@code -o} never overwrites someone's files.
 */
public final class SiteFiles {
    public static final String MANIFEST = ".ir-site";

    private SiteFiles() {
    }

    /** Refuses {@code dir} before anything is built: a link, a file, or a directory ir did not build. */
    public static void check(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            throw IrException.usage("refusing to write the site through the link " + dir);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw IrException.usage(dir + " is not a directory");
        }
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw IrException.usage(dir + " is not empty and is not a site ir built: choose an empty "
                            + "or new directory with -o");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes {@code files} under {@code dir}; returns how many files changed. */
    public static int write(Path dir, SortedMap<String, byte[]> files) throws IOException {
        check(dir);
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        List<String> old = Files.exists(root.resolve(MANIFEST))
                ? Files.readAllLines(root.resolve(MANIFEST), StandardCharsets.UTF_8) : List.of();
        int changed = 0;
        for (var f : files.entrySet()) {
            Path target = inside(root, f.getKey());
            for (Path p = target.getParent(); !p.equals(root); p = p.getParent()) {
                if (Files.isSymbolicLink(p)) {
                    throw IrException.usage("refusing to write the site through the link " + p);
                }
            }
            Files.createDirectories(target.getParent());
            if (Files.isSymbolicLink(target)) {
                Files.delete(target);
            }
            if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), f.getValue())) {
                Files.write(target, f.getValue());
                changed++;
            }
        }
        for (String rel : old) {
            if (!rel.isBlank() && !files.containsKey(rel)) {
                Path stale = inside(root, rel);
                if (Files.deleteIfExists(stale)) {
                    changed++;
                }
            }
        }
        Files.writeString(root.resolve(MANIFEST), String.join("\n", new ArrayList<>(files.keySet())) + "\n",
                StandardCharsets.UTF_8);
        return changed;
    }

    private static Path inside(Path root, String rel) {
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw IrException.usage("refusing to write " + rel + " outside the site directory");
        }
        return p;
    }
}
