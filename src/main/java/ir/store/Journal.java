package ir.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The intent log that makes a crash between writing files and committing them recoverable: {@code .git/ir/pending}
 * lists the git paths a command is about to write and is removed once they are committed. Written and read only
 * under the workspace lock, so one found by the next command was left by a process that died.
 */
final class Journal {
    private final Path file;

    Journal(Path stateDir) {
        this.file = stateDir.resolve("pending");
    }

    void begin(List<String> gitPaths) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, (String.join("\n", gitPaths) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ir.model.IrException(ir.model.ExitCode.FAILURE, "cannot write " + file + ": "
                    + e.getMessage(), e);
        }
    }

    void end() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover journal only makes the next command check these paths again
        }
    }

    /** The paths a dead command was writing; empty when the last command finished. */
    List<String> pending() {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** When the journal was written; null when there is none. */
    Instant written() {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null;
        }
    }
}
