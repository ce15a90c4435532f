package ir.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** A file ir writes for a caller gets the mode the caller's umask gives it, whatever this process's own umask. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void writesTheModeTheCallersUmaskGivesOnANewFileAndOnAReplacedOne() throws Exception {
        Path file = tmp.resolve("incidents/a.yaml");

        AtomicFiles.write(file, "one\n".getBytes(StandardCharsets.UTF_8), false, 0);
        assertThat(mode(file)).isEqualTo("rw-rw-rw-"); // wider than any usual umask of this JVM: set, not masked
        assertThat(file).hasContent("one");

        AtomicFiles.write(file, "two\n".getBytes(StandardCharsets.UTF_8), false, 0077);
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(file).hasContent("two");

        AtomicFiles.write(file, "three\n".getBytes(StandardCharsets.UTF_8), false, 0002);
        assertThat(mode(file)).isEqualTo("rw-rw-r--");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }
}
