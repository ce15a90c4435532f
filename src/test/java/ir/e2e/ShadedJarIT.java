package ir.e2e;

import org.junit.jupiter.api.Test;

import java.util.zip.ZipFile;

import static ir.e2e.Processes.jar;
import static org.assertj.core.api.Assertions.assertThat;

/** The shaded jar as the build leaves it: picocli's class files upgraded (see ir.build.UpgradeClassFiles). */
class ShadedJarIT {
    @Test
    void picocliClassFilesAreJava8SoTheStartUpArchiveStoresThemVerified() throws Exception {
        try (ZipFile jar = new ZipFile(jar().toFile())) {
            long old = jar.stream()
                    .filter(e -> e.getName().startsWith("picocli/") && e.getName().endsWith(".class"))
                    .filter(e -> {
                        try (var in = jar.getInputStream(e)) {
                            byte[] head = in.readNBytes(8);
                            return ((head[6] & 0xff) << 8 | (head[7] & 0xff)) < 50;
                        } catch (java.io.IOException ex) {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    })
                    .count();
            assertThat(jar.getEntry("picocli/CommandLine.class")).isNotNull();
            assertThat(old).as("picocli class files older than Java 6").isZero();
        }
    }
}
