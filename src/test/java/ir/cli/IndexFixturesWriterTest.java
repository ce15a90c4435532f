package ir.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows of {@link IndexFixturesTest} that need more than a refusal: the store's writer must keep what C git
 * recorded for the incident file itself, its executable bit, in the new commit's tree and index entry, and in the
 * work tree (a file written afresh and renamed over the old one gets default permissions, and git status would then
 * show a mode change).
 */
class IndexFixturesWriterTest {
    @TempDir
    Path dir;

    static List<GitFixture.Case> cases() {
        return List.of(
                IndexFixturesTest.works("an incident file committed as executable (100755)", fx -> {
                    fx.workspace();
                    Files.setPosixFilePermissions(fx.dir.resolve(fx.incidentPath()),
                            PosixFilePermissions.fromString("rwxr-xr-x"));
                    fx.git("add", fx.incidentPath());
                    fx.git("commit", "-q", "-m", "executable");
                    assertThat(fx.git("ls-tree", "HEAD", fx.incidentPath())).startsWith("100755 ");
                }),
                IndexFixturesTest.works("an executable incident file in index v4", fx -> {
                    fx.workspace().git("update-index", "--index-version", "4");
                    fx.git("update-index", "--chmod=+x", fx.incidentPath());
                    Files.setPosixFilePermissions(fx.dir.resolve(fx.incidentPath()),
                            PosixFilePermissions.fromString("rwxr-xr-x"));
                    fx.git("commit", "-q", "-m", "executable");
                    assertThat(fx.git("ls-tree", "HEAD", fx.incidentPath())).startsWith("100755 ");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theIncidentFileKeepsWhatGitRecorded(GitFixture.Case c) throws Exception {
        GitFixture.check(c, dir);
    }
}
