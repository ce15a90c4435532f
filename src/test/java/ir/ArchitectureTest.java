package ir;

import ir.cli.Cli;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of {@code ir} as the compiled classes have them: every class a class file names in its constant pool
 * (types it uses, calls, extends, or annotates with, whether imported or written out in full). Reading the
 * bytecode rather than the {@code import} lines also catches {@code ir.cli.Cli.run(...)} written inline.
 */
class ArchitectureTest {
    /** The classes of {@code package} (a path such as {@code ir/term}) that name a class {@code forbidden} matches. */
    private static Map<String, Set<String>> violations(String pkg, Predicate<String> forbidden) throws Exception {
        Map<String, Set<String>> found = new TreeMap<>();
        withMainClasses(root -> {
            Path dir = root.resolve(pkg);
            assertThat(Files.isDirectory(dir)).as("compiled classes of %s under %s", pkg, root).isTrue();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    Set<String> bad = new TreeSet<>();
                    try (InputStream in = Files.newInputStream(f)) {
                        for (String name : referencedClasses(in)) {
                            if (forbidden.test(name)) {
                                bad.add(name);
                            }
                        }
                    }
                    if (!bad.isEmpty()) {
                        found.put(root.relativize(f).toString(), bad);
                    }
                }
            }
        });
        return found;
    }

    private interface PathAction {
        void accept(Path root) throws IOException;
    }

    /** Runs {@code action} on the root of the main classes: the build's directory, or the jar when run from one. */
    private static void withMainClasses(PathAction action) throws IOException, URISyntaxException {
        Path location = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            action.accept(location);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                action.accept(jar.getPath("/"));
            }
        }
    }

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+)[;<]");

    /**
     * The internal names ({@code ir/cli/Cli}) of the classes a class file names: its class constants (with array
     * types unwrapped) and the types inside its descriptors and signatures (fields, methods, annotations, lambdas).
     * String literals are left out: text that happens to look like a type is not a dependency.
     */
    static Set<String> referencedClasses(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classNames = new ArrayList<>();
        Set<Integer> literals = new HashSet<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNames.add(in.readUnsignedShort());
                case 8 -> literals.add(in.readUnsignedShort());
                case 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // a long or double takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        Set<String> names = new TreeSet<>();
        for (int index : classNames) {
            String name = utf8[index];
            if (name.startsWith("[")) {
                collectDescriptorTypes(name, names);
            } else {
                names.add(name);
            }
        }
        for (int i = 1; i < count; i++) {
            if (utf8[i] != null && !literals.contains(i) && !classNames.contains(i)) {
                collectDescriptorTypes(utf8[i], names);
            }
        }
        return names;
    }

    private static void collectDescriptorTypes(String s, Set<String> into) {
        Matcher m = DESCRIPTOR_TYPE.matcher(s);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    @Test
    void theReaderSeesTypesUsedInlineAndInDescriptorsButNotInStrings() throws Exception {
        // ShellCommand calls ir.term.Shell written out in full, with no import line.
        Map<String, Set<String>> cliToTerm = violations("ir/cli", n -> n.startsWith("ir/term/"));
        assertThat(cliToTerm).containsKey("ir/cli/ShellCommand.class");
        assertThat(cliToTerm.get("ir/cli/ShellCommand.class")).contains("ir/term/Shell", "ir/term/CommandFactory");
        // A field's type and an annotation's type are found through their descriptors.
        try (InputStream in = ArchitectureTest.class.getResourceAsStream("/ir/cli/LogCommand.class")) {
            assertThat(referencedClasses(in)).contains("ir/cli/AtOption", "picocli/CommandLine$Mixin",
                    "ir/cli/IncidentOption", "java/util/List");
        }
        // A string constant that looks like a descriptor is not a reference.
        try (InputStream in = ArchitectureTest.class.getResourceAsStream("/ir/ArchitectureTest$Literal.class")) {
            assertThat(referencedClasses(in)).doesNotContain("ir/cli/NotAReference");
        }
    }

    /** Holds a string that looks like a type, for the test above. */
    static final class Literal {
        static final String TEXT = "Lir/cli/NotAReference;";
    }

    @Test
    void theTerminalLayerDoesNotDependOnTheCommandLayer() throws Exception {
        assertThat(violations("ir/term", n -> n.startsWith("ir/cli/")))
                .as("ir.term gets its commands through ir.term.CommandFactory, never from ir.cli").isEmpty();
    }

    @Test
    void theModelDependsOnlyOnTheJdk() throws Exception {
        assertThat(violations("ir/model", n -> !n.startsWith("java/") && !n.startsWith("ir/model/")))
                .as("ir.model is records and rules: no I/O library, no other ir package").isEmpty();
    }

    @Test
    void theCommandLayerNeverTouchesGitOrJacksonDirectly() throws Exception {
        assertThat(violations("ir/cli", n -> n.startsWith("org/eclipse/jgit/") || n.startsWith("com/fasterxml/")))
                .as("commands go through ir.store for git and YAML/JSON").isEmpty();
    }

    @Test
    void theReceiverGoesThroughTheStoreForGitAndJsonAndNeverReachesUpToCommands() throws Exception {
        assertThat(violations("ir/serve", n -> n.startsWith("org/eclipse/jgit/") || n.startsWith("com/fasterxml/")
                || n.startsWith("ir/cli/") || n.startsWith("ir/term/") || n.startsWith("ir/daemon/")))
                .as("ir.serve records through ir.store.AlertIntake; commands wire it up").isEmpty();
    }

    @Test
    void lowerLayersNeverReachUpToCommandsOrTheTerminal() throws Exception {
        Predicate<String> upward = n -> n.startsWith("ir/cli/") || n.startsWith("ir/term/")
                || n.startsWith("ir/daemon/") || n.startsWith("ir/serve/");
        for (String pkg : List.of("ir/env", "ir/store", "ir/render", "ir/model", "ir/site")) {
            assertThat(violations(pkg, upward)).as(pkg).isEmpty();
        }
    }
}
