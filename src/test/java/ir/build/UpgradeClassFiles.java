package ir.build;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A build step (run by Maven after shading, see pom.xml): rewrites the class files of the shaded jar whose names
 * start with a prefix and whose class-file version is older than Java 6 as Java 8 class files, with the stack-map
 * frames that version requires (computed by ASM). picocli is compiled for Java 5, and JDK 17 stores such classes in
 * a class data sharing archive only unverified, so each run verified about 170 of them with the old, slow verifier
 * (measured: about 18 ms of CPU per one-shot run). The bytecode itself is unchanged.
 *
 * <p>Usage: {@code UpgradeClassFiles JAR PREFIX...}; the jar is replaced atomically.
 */
public final class UpgradeClassFiles {
    private static final int JAVA_6 = 50;

    private UpgradeClassFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: UpgradeClassFiles JAR PREFIX...");
        }
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrade.tmp");
        try (URLClassLoader types = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
             InputStream raw = Files.newInputStream(jar);
             ZipInputStream in = new ZipInputStream(raw);
             OutputStream rawOut = Files.newOutputStream(tmp);
             ZipOutputStream out = new ZipOutputStream(rawOut)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (!e.isDirectory() && e.getName().endsWith(".class") && matches(e.getName(), args)
                        && version(bytes) < JAVA_6) {
                    bytes = upgrade(bytes, types);
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // Silent: the build runs from install.sh, whose output is for the person installing ir (a jar packaged again
        // without 'clean' may have none left to upgrade, which is no news either).
    }

    private static boolean matches(String name, String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (name.startsWith(args[i])) {
                return true;
            }
        }
        return false;
    }

    private static int version(byte[] c) {
        return c.length < 8 ? Integer.MAX_VALUE : (c[6] & 0xff) << 8 | (c[7] & 0xff);
    }

    private static byte[] upgrade(byte[] bytes, ClassLoader types) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return types; // frames need common super classes of the jar's own types
            }
        };
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return w.toByteArray();
    }
}
