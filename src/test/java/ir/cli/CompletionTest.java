package ir.cli;

import ir.env.Env;
import ir.testing.Clones;
import ir.testing.IrTester;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ir completion bash|zsh}: the script is sourced in a real bash (and zsh when this machine has one) with an
 * {@code ir} on PATH that runs this build's classes, and its completion function is called as the shell calls it at
 * TAB, with COMP_WORDS and COMP_CWORD set; the candidates are read back from COMPREPLY.
 */
class CompletionTest {
    @TempDir
    Path tmp;
    Path ws;
    Path bin;
    IrTester ir;
    String checkout;
    String payments;

    @BeforeEach
    void setUp() throws IOException {
        ws = tmp.resolve("ws");
        Files.createDirectories(ws);
        ir = IrTester.workspace(ws);
        checkout = ir.open("Checkout latency spike", "--severity", "SEV-2");
        payments = ir.open("Payments failing", "--severity", "SEV-1");
        // An `ir` that runs this build's classes, as the installed launcher would run the jar.
        bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path wrapper = bin.resolve("ir");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + Clones.irCommand().stream().map(CompletionScript::quote)
                .collect(Collectors.joining(" ")) + " \"$@\"\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
    }

    private String script(String shell) {
        var r = IrTester.plainDir(tmp).run("completion", shell);
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.err()).isEmpty();
        return r.out();
    }

    /**
     * Runs each line of {@code lines} (the words on the command line, the last being the one at the cursor; a trailing
     * space means an empty word; an '=' is a word of its own, as bash splits it) through the completion function in
     * one shell, and returns the candidates of each.
     */
    private Map<String, List<String>> complete(String shell, List<String> lines) throws Exception {
        Path file = tmp.resolve("ir." + shell);
        Files.writeString(file, script(shell));
        StringBuilder s = new StringBuilder();
        if (shell.equals("zsh")) {
            s.append("autoload -U compinit && compinit -u\n");
        }
        s.append(". ").append(CompletionScript.quote(file.toString())).append('\n');
        if (shell.equals("zsh")) {
            // As bashcompinit's compgen -F calls the function: sh emulation (0-based arrays, word splitting).
            s.append("t() { emulate -L sh; setopt kshglob noshglob braceexpand; COMP_WORDS=( \"$@\" ); "
                    + "COMP_CWORD=$(( $# - 1 )); _ir; printf '%s\\n' \"${COMPREPLY[@]}\"; }\n");
        } else {
            s.append("t() { COMP_WORDS=( \"$@\" ); COMP_CWORD=$(( $# - 1 )); _ir; "
                    + "printf '%s\\n' \"${COMPREPLY[@]}\"; }\n");
        }
        for (String line : lines) {
            // bash breaks words at '=' too (COMP_WORDBREAKS): --incident=ID is three words, '=' the middle one.
            List<String> words = new ArrayList<>(List.of(line.replace("=", " = ").split(" ", -1)));
            s.append("echo '>>>'; t");
            words.forEach(w -> s.append(' ').append(CompletionScript.quote(w)));
            s.append('\n');
        }
        List<String> cmd = shell.equals("zsh") ? List.of("zsh", "-f", "-c", s.toString())
                : List.of("bash", "--norc", "--noprofile", "-c", s.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ws.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("IR_") || k.startsWith("GIT_"));
        pb.environment().put("PATH", bin + File.pathSeparator + "/usr/local/bin:/usr/bin:/bin");
        pb.environment().put("HOME", IrTester.EMPTY_HOME.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String[] parts = out.split(">>>\n", -1);
        assertThat(parts).hasSize(lines.size() + 1);
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            result.put(lines.get(i), parts[i + 1].lines().filter(l -> !l.isEmpty()).toList());
        }
        return result;
    }

    private void assertCompletes(String shell) throws Exception {
        Map<String, List<String>> c = complete(shell, List.of(
                "ir sev",
                "ir severity ",
                "ir log -i ",
                "ir log --incident=",
                "ir log -i latency",
                "ir use pay",
                "ir list --severity SEV-",
                "ir role ",
                "ir status ",
                "ir mark ",
                "ir action ",
                "ir action add --",
                "ir action set x --status ",
                "ir actions --status ",
                "ir help action ",
                "ir completion ",
                "ir -C ../elsewhere severity "));

        assertThat(c.get("ir sev")).containsExactly("severity");
        assertThat(c.get("ir severity ")).containsExactly("SEV-1", "SEV-2", "SEV-3", "SEV-4", "SEV-5");
        assertThat(c.get("ir log -i ")).containsExactlyInAnyOrder(checkout, payments);
        assertThat(c.get("ir log --incident=")).containsExactlyInAnyOrder(checkout, payments);
        assertThat(c.get("ir log -i latency")).containsExactly(checkout);
        assertThat(c.get("ir use pay")).containsExactly(payments);
        assertThat(c.get("ir list --severity SEV-")).hasSize(5);
        assertThat(c.get("ir role ")).contains("commander", "scribe", "sme");
        assertThat(c.get("ir status ")).containsExactly("investigating", "identified", "monitoring", "resolved",
                "closed");
        assertThat(c.get("ir mark ")).contains("started", "detected", "mitigated").doesNotContain("opened");
        assertThat(c.get("ir action ")).contains("add", "done", "set");
        assertThat(c.get("ir action set x --status ")).containsExactly("open", "in-progress", "done", "wont-do");
        assertThat(c.get("ir actions --status ")).containsExactly("open", "in-progress", "done", "wont-do");
        assertThat(c.get("ir action add --")).contains("--owner", "--due", "--incident", "--help");
        assertThat(c.get("ir help action ")).contains("add", "done");
        assertThat(c.get("ir completion ")).containsExactly("bash", "zsh");
        assertThat(c.get("ir -C ../elsewhere severity ")).as("-C names another workspace").containsExactly("P1", "P2");
    }

    /** A second workspace with its own severities, for -C. */
    private void elsewhere() throws IOException {
        Path other = tmp.resolve("elsewhere");
        Files.createDirectories(other);
        IrTester t = IrTester.workspace(other);
        Path config = other.resolve("ir.yaml");
        String yaml = Files.readString(config);
        int from = yaml.indexOf("default_severity:");
        int to = yaml.indexOf("roles:");
        // The example types name the default severities: they go with them.
        Files.writeString(config, yaml.substring(0, from) + "default_severity: P2\nseverities:\n  - name: P1\n"
                + "    major: true\n  - name: P2\n" + yaml.substring(to).replaceAll("\n    severity: SEV-\\d", ""));
        assertThat(t.run("list").exit()).as("the edited ir.yaml is valid").isZero();
    }

    @Test
    void bashCompletesCommandsOptionsAndTheWorkspacesValues() throws Exception {
        elsewhere();
        assertCompletes("bash");
    }

    @Test
    void zshCompletesTheSameThroughItsBashEmulation() throws Exception {
        Assumptions.assumeTrue(onPath("zsh"), "zsh is not installed");
        elsewhere();
        assertCompletes("zsh");
    }

    @Test
    void everyCommandAndSubcommandOfTheModelIsCompleted() throws Exception {
        CommandLine model = Cli.commandLine(new Env(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), InputStream.nullInputStream(),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), tmp, Map.of(), false));
        List<String> lines = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        new CompletionScript(model).commands().forEach((path, spec) -> {
            if (!path.isEmpty()) {
                String line = "ir " + path;
                lines.add(line);
                expected.put(line, spec.name());
            }
        });
        assertThat(expected.values()).contains("log", "help", "completion", "add")
                .doesNotContain("merge-file", CompleteCommand.NAME);

        Map<String, List<String>> c = complete("bash", lines);

        expected.forEach((line, name) -> assertThat(c.get(line)).as(line).contains(name));
    }

    @Test
    void theHiddenCommandPrintsTheWorkspacesValuesAndChangesNothing() {
        Map<String, String> before = ir.snapshot();
        int commits = ir.commits().size();

        assertThat(ir.run("__complete", "incident", "").out().lines()).containsExactlyInAnyOrder(checkout, payments);
        assertThat(ir.run("__complete", "incident", "PAY").out().lines()).containsExactly(payments);
        assertThat(ir.run("__complete", "severity", "sev-1").out().lines()).containsExactly("SEV-1");
        assertThat(ir.run("__complete", "role", "c").out().lines()).contains("commander", "customer-liaison")
                .doesNotContain("scribe");
        assertThat(ir.run("__complete", "milestone").out().lines()).contains("acknowledged");
        assertThat(ir.snapshot()).isEqualTo(before);
        assertThat(ir.commits()).hasSize(commits);
    }

    @Test
    void outsideAWorkspaceTheHiddenCommandPrintsNothingAndSucceeds() {
        var r = IrTester.plainDir(tmp).run("__complete", "incident", "");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void anUnknownShellIsAUsageError() {
        var r = IrTester.plainDir(tmp).run("completion", "fish");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: ").contains("fish");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
