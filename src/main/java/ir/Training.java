package ir;

import ir.cli.Cli;
import ir.env.Env;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The training run of {@code install.sh}: runs the everyday commands once, in one JVM, in a throw-away workspace, so
 * that {@code -XX:DumpLoadedClassList} lists the classes a one-shot {@code ir} needs for install.sh's static class data
 * sharing archive (static, so that picocli's Java 5 classes are archived too). The launcher then starts
 * with that class data sharing archive and skips most class loading and verification.
 *
 * <p>Commands another build of ir does not have simply fail with a usage error here, which is harmless: the list can
 * name every command of the README. Nothing that waits for a person ({@code edit}; {@code shell} reads its two
 * entries from the given input) and nothing that talks to a remote ({@code sync}) is run. Prints one line on stdout: how many commands succeeded.
 */
public final class Training {
    private Training() {
    }

    private static final List<String[]> COMMANDS = List.of(
            new String[] {"--help"},
            new String[] {"--version"},
            new String[] {"log", "--help"},
            new String[] {"init"},
            new String[] {"open", "Checkout latency spike", "--severity", "SEV-2", "--tag", "checkout",
                    "--summary", "p99 latency over 2 s", "--commander", "Training <training@localhost>"},
            new String[] {"log", "database failover started"},
            new String[] {"log", "--important", "--type", "decision", "roll back release 412"},
            new String[] {"log", "-i", "checkout", "--at", "-10m", "--type", "alert", "p99 latency > 2s"},
            new String[] {"log", "-"},
            new String[] {"shell"},
            new String[] {"show"},
            new String[] {"show", "--json"},
            new String[] {"list"},
            new String[] {"list", "--json", "--open"},
            new String[] {"open", "Failover drill", "--drill"},
            new String[] {"use", "checkout"},
            new String[] {"severity", "SEV-1", "--reason", "all regions"},
            new String[] {"role", "scribe", "Training <training@localhost>"},
            new String[] {"status", "identified", "bad deploy"},
            new String[] {"mark", "mitigated"},
            new String[] {"set", "impact", "slow checkouts"},
            new String[] {"add", "went-well", "alert fired early"},
            new String[] {"action", "add", "add a latency SLO", "--type", "prevent"},
            new String[] {"actions", "--open"},
            new String[] {"history"},
            new String[] {"resolve", "rolled back"},
            new String[] {"postmortem", "--stdout"},
            new String[] {"postmortem"},
            new String[] {"stats", "--json"},
            new String[] {"log", "after the post-mortem"},
            new String[] {"show", "--no-such-option"},
            new String[] {"log", "-i", "no-such-incident", "x"});

    public static void main(String[] args) throws IOException {
        System.out.println("ir training: " + run() + " of " + COMMANDS.size() + " commands succeeded");
    }

    /** Runs the commands once in a new temporary workspace (deleted after); returns how many succeeded. */
    static int run() throws IOException {
        Path dir = Files.createTempDirectory("ir-training");
        int ok = 0;
        try {
            PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            Map<String, String> environment = Map.of("IR_AUTHOR", "ir training <training@localhost>",
                    "IR_LOCK_TIMEOUT", "5");
            for (String[] command : COMMANDS) {
                Env env = new Env(sink, sink, new ByteArrayInputStream(
                        "a multi-line\nentry from stdin\n".getBytes(StandardCharsets.UTF_8)),
                        Clock.systemDefaultZone(), dir, environment, false);
                if (Cli.run(env, command) == 0) {
                    ok++;
                }
            }
        } finally {
            deleteTree(dir);
        }
        return ok;
    }

    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
