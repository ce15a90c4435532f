package ir.store;

import ir.model.ExitCode;
import ir.model.IrException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link WorkspaceFiles}: the one rule for every file ir reads or writes in a workspace. */
class WorkspaceFilesTest {
    @TempDir
    Path tmp;

    private Path root;
    private Path secret;

    private void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("ws"));
        Files.createDirectories(root.resolve("incidents"));
        Files.writeString(root.resolve("incidents/a.yaml"), "id: a\n");
        secret = Files.writeString(tmp.resolve("secret"), "PRIVATE");
    }

    private static IrException refused(Runnable r) {
        try {
            r.run();
        } catch (IrException e) {
            assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE);
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aRegularFileIsReadAndAnAbsentOneIsNull() throws IOException {
        setUp();
        assertThat(new String(WorkspaceFiles.read(root, "incidents/a.yaml"), StandardCharsets.UTF_8))
                .isEqualTo("id: a\n");
        assertThat(WorkspaceFiles.read(root, "incidents/b.yaml")).isNull();
        assertThat(WorkspaceFiles.read(root, "nowhere/b.yaml")).isNull();
        assertThat(WorkspaceFiles.isFile(root, "incidents/a.yaml")).isTrue();
        assertThat(WorkspaceFiles.isFile(root, "incidents/b.yaml")).isFalse();
    }

    @Test
    void aLinkInTheFilesPlaceOrOnTheWayIsRefusedByName() throws IOException {
        setUp();
        Files.createSymbolicLink(root.resolve("incidents/link.yaml"), secret);
        Files.createSymbolicLink(root.resolve("linked"), tmp);
        Files.createSymbolicLink(root.resolve("dangling.yaml"), tmp.resolve("nothing"));

        assertThat(refused(() -> WorkspaceFiles.read(root, "incidents/link.yaml")).getMessage()).isEqualTo(
                "refusing to read incidents/link.yaml: it is a symbolic link; ir reads only regular files inside the "
                        + "workspace");
        assertThat(refused(() -> WorkspaceFiles.read(root, "linked/secret")).getMessage())
                .startsWith("refusing to read linked/secret: linked is a symbolic link;");
        assertThat(refused(() -> WorkspaceFiles.read(root, "dangling.yaml")).getMessage())
                .startsWith("refusing to read dangling.yaml: it is a symbolic link;");
        assertThat(refused(() -> WorkspaceFiles.checkWrite(root, "linked/new.yaml")).getMessage()).isEqualTo(
                "refusing to write linked/new.yaml: linked is a symbolic link; ir writes only regular files inside "
                        + "the workspace");
        assertThat(refused(() -> WorkspaceFiles.checkWrite(root, "incidents/link.yaml")).getMessage())
                .startsWith("refusing to write incidents/link.yaml: it is a symbolic link;");
        // a checkout replaces a link in the file's own place by a rename, but never writes through a linked directory
        WorkspaceFiles.checkDirectories(root, "incidents/link.yaml");
        assertThat(refused(() -> WorkspaceFiles.checkDirectories(root, "linked/x/new.yaml")).getMessage())
                .startsWith("refusing to write linked/x/new.yaml: linked is a symbolic link;");
    }

    @Test
    void onlyRegularFilesAreRead() throws Exception {
        setUp();
        assertThat(refused(() -> WorkspaceFiles.read(root, "incidents")).getMessage())
                .startsWith("refusing to read incidents: it is a directory;");
        assertThat(refused(() -> WorkspaceFiles.read(root, "incidents/a.yaml/x")).getMessage())
                .startsWith("refusing to read incidents/a.yaml/x: incidents/a.yaml is not a directory;");
        Path fifo = root.resolve("fifo.yaml");
        if (new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() == 0) {
            // read without the check, this would block for ever
            assertThat(refused(() -> WorkspaceFiles.read(root, "fifo.yaml")).getMessage())
                    .startsWith("refusing to read fifo.yaml: it is not a regular file;");
        }
    }

    @Test
    void theRootMayBeReachedThroughALink() throws IOException {
        setUp();
        Path viaLink = Files.createSymbolicLink(tmp.resolve("via"), root);
        assertThat(WorkspaceFiles.read(viaLink, "incidents/a.yaml")).isNotNull();
    }

    @Test
    void aFileOverTheLimitIsRefusedWithTheCallersMessageWithoutReadingIt() throws IOException {
        setUp();
        Files.write(root.resolve("big"), new byte[1001]);
        assertThatThrownBy(() -> WorkspaceFiles.read(root, "big", 1000, size -> IrException.usage("big is " + size)))
                .isInstanceOf(IrException.class).hasMessage("big is 1001");
        assertThat(WorkspaceFiles.read(root, "big", 1001, size -> IrException.usage("no"))).hasSize(1001);
    }

    @Test
    void aPathThatIsNotPlainIsAProgrammingError() throws IOException {
        setUp();
        assertThatThrownBy(() -> WorkspaceFiles.read(root, "../secret")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkspaceFiles.read(root, "/etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
