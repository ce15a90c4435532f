package ir.cli;

import ir.env.Env;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class WorkspaceTest {
    @TempDir
    Path tmp;

    @Test
    void initCreatesRepositoryConfigFoldersTemplatesAndOneCommit() throws Exception {
        Path dir = tmp.resolve("response");
        IrTester ir = IrTester.plainDir(tmp);
        var r = ir.run("init", "response");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.isDirectory(dir.resolve(".git"))).isTrue();
        assertThat(Files.isDirectory(dir.resolve("incidents"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("templates/postmortem.md.mustache"))).isTrue();
        assertThat(Files.readString(dir.resolve(".gitattributes"))).contains("incidents/*.yaml merge=ir");
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("ir.yaml").toFile());
        assertThat(config.get("default_severity").asText()).isEqualTo("SEV-3");
        assertThat(config.get("severities")).hasSize(5);
        assertThat(config.get("severities").get(0).get("major").asBoolean()).isTrue();
        assertThat(config.get("severities").get(0).get("description").asText()).isNotBlank();
        assertThat(config.get("roles")).extracting(n -> n.get("name").asText()).containsExactly("commander",
                "deputy", "scribe", "sme", "customer-liaison", "internal-liaison");
        assertThat(config.get("statuses")).extracting(JsonNode::asText).containsExactly("investigating",
                "identified", "monitoring", "resolved", "closed");
        assertThat(config.get("postmortem").get("required_for")).extracting(JsonNode::asText)
                .containsExactly("SEV-1", "SEV-2");

        IrTester ws = IrTester.plainDir(dir);
        assertThat(ws.commits()).hasSize(1);
        assertThat(ws.commits().get(0).getShortMessage()).isEqualTo("ir: create workspace");
        assertThat(ws.commits().get(0).getAuthorIdent().getEmailAddress()).isEqualTo("alice@example.com");
        assertThat(ws.clean()).isTrue();
    }

    @Test
    void initOnAnExistingWorkspaceChangesNothing() {
        IrTester ir = IrTester.workspace(tmp);
        var before = ir.snapshot();
        var r = ir.run("init");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("already an ir workspace");
        assertThat(ir.snapshot()).isEqualTo(before);
        assertThat(ir.commits()).hasSize(1);
    }

    @Test
    void initInsideAnExistingRepositoryKeepsItsHistoryAndGitattributes() throws Exception {
        IrTester ir = IrTester.gitRepo(tmp);
        Files.writeString(tmp.resolve(".gitattributes"), "*.png binary");
        var r = ir.run("init", "ops");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.isRegularFile(tmp.resolve("ops/ir.yaml"))).isTrue();
        assertThat(Files.isDirectory(tmp.resolve("ops/.git"))).isFalse();
        assertThat(ir.changedPaths(ir.commits().get(0))).contains("ops/ir.yaml", "ops/incidents/.gitkeep");
    }

    @Test
    void workspaceInASubdirectoryCommitsWithTheRightPaths() {
        IrTester ir = IrTester.gitRepo(tmp);
        ir.run("init", "ops");
        ir.cwd(tmp.resolve("ops"));
        String id = ir.open("Sub dir");
        assertThat(ir.changedPaths(ir.commits().get(0))).containsExactly("ops/incidents/" + id + ".yaml");
        assertThat(ir.clean()).isTrue();
    }

    @Test
    void commandsFindTheWorkspaceFromSubdirectoriesDashCAndIrDir() throws Exception {
        IrTester ir = IrTester.workspace(tmp.resolve("ws"));
        String id = ir.open("Found me");
        Path deep = Files.createDirectories(tmp.resolve("ws/incidents/deeper"));
        assertThat(ir.cwd(deep).run("show", "--json").json().get("id").asText()).isEqualTo(id);
        assertThat(ir.cwd(tmp).run("-C", "ws", "show", "--json").json().get("id").asText()).isEqualTo(id);
        assertThat(ir.cwd(tmp).run("show", "--json", "-C", "ws").json().get("id").asText()).isEqualTo(id);
        assertThat(ir.cwd(tmp).env("IR_DIR", tmp.resolve("ws").toString()).run("show", "--json").json()
                .get("id").asText()).isEqualTo(id);
    }

    @Test
    void outsideAWorkspaceSaysHowToCreateOne() {
        IrTester ir = IrTester.plainDir(tmp);
        var r = ir.run("log", "hello");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ir: not inside an ir workspace").contains("ir init");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void identityFallsBackToGitConfig() throws Exception {
        IrTester ir = IrTester.workspace(tmp).env("IR_AUTHOR", null);
        try (var git = org.eclipse.jgit.api.Git.open(tmp.toFile())) {
            var cfg = git.getRepository().getConfig();
            cfg.setString("user", null, "name", "Git Person");
            cfg.setString("user", null, "email", "git@example.com");
            cfg.save();
        }
        String id = ir.open("Who am I");
        assertThat(ir.yaml(id).get("timeline").get(0).get("author").asText()).isEqualTo("Git Person <git@example.com>");
        assertThat(ir.commits().get(0).getAuthorIdent().getEmailAddress()).isEqualTo("git@example.com");
    }

    @Test
    void helpAndVersionWorkEverywhere() {
        IrTester ir = IrTester.plainDir(tmp);
        var r = ir.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("open", "log", "show", "list", "init", "use");
        for (String cmd : new String[] {"init", "open", "log", "show", "list", "use"}) {
            var h = ir.run(cmd, "--help");
            assertThat(h.exit()).isZero();
            assertThat(h.out()).as(cmd).contains("Usage: ir " + cmd).contains("Example");
        }
        assertThat(ir.run("--version").out()).startsWith("ir ");
    }

    @Test
    void helpExamplesRedirectOnlyWhereTheyMeanTo() {
        IrTester ir = IrTester.plainDir(tmp);
        var env = new Env(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()), java.io.InputStream.nullInputStream(),
                ir.clock(), tmp, java.util.Map.of(), false);
        // A '>' or '<' outside quotes is a shell redirection: copied from the help, "latency > 2s" wrote a file '2s'.
        java.util.Set<String> meant = java.util.Set.of("< root-cause.md", "< notes.txt", "> q3.csv",
                "> ~/.local/share/bash-completion/completions/ir", "> checkout-public.md");
        java.util.List<String> examples = new java.util.ArrayList<>();
        Cli.commandLine(env).getSubcommands().forEach((name, sub) -> {
            examples.addAll(java.util.List.of(sub.getCommandSpec().usageMessage().footer()));
            sub.getSubcommands().values().forEach(child ->
                    examples.addAll(java.util.List.of(child.getCommandSpec().usageMessage().footer())));
        });
        assertThat(examples).hasSizeGreaterThan(40);
        for (String line : examples) {
            StringBuilder unquoted = new StringBuilder();
            char quote = 0;
            for (char c : line.toCharArray()) {
                if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                } else if (c == quote) {
                    quote = 0;
                } else if (quote == 0) {
                    unquoted.append(c);
                }
            }
            var m = java.util.regex.Pattern.compile("[<>]\\s*\\S*").matcher(unquoted);
            while (m.find()) {
                assertThat(meant).as(line).contains(m.group());
            }
        }
    }

    @Test
    void everyCommandAndSubcommandHasCleanHelpWithAnExample() {
        IrTester ir = IrTester.plainDir(tmp);
        var env = new Env(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()), java.io.InputStream.nullInputStream(),
                ir.clock(), tmp, java.util.Map.of(), false);
        java.util.List<String[]> paths = new java.util.ArrayList<>();
        Cli.commandLine(env).getSubcommands().forEach((name, sub) -> {
            paths.add(new String[] {name});
            sub.getSubcommands().keySet().forEach(child -> paths.add(new String[] {name, child}));
        });
        assertThat(Cli.commandLine(env).getSubcommands().keySet()).containsExactlyElementsOf(Cli.COMMANDS);
        assertThat(paths).hasSizeGreaterThan(20);
        for (String[] path : paths) {
            String[] args = java.util.Arrays.copyOf(path, path.length + 1);
            args[path.length] = "--help";
            var r = ir.run(args);
            String what = String.join(" ", path);
            assertThat(r.exit()).as(what).isZero();
            assertThat(r.err()).as(what).isEmpty();
            assertThat(r.out()).as(what).contains("Usage: ir " + what).containsIgnoringCase("example");
        }
    }

    @Test
    void unknownCommandAndOptionAreUsageErrors() {
        IrTester ir = IrTester.workspace(tmp);
        var r = ir.assertRefused(2, "ir: unknown command 'frobnicate' (see", "frobnicate");
        assertThat(r.err()).contains("ir --help");
        ir.assertRefused(2, "ir: Unknown option: '--frob'", "log", "--frob", "x");
    }

    @Test
    void aMistypedCommandOrOptionIsNamedWithWhatWasMeant() {
        IrTester ir = IrTester.workspace(tmp);
        var r = ir.assertRefused(2, "ir: unknown command 'shwo'; did you mean 'show'? (see", "shwo");
        assertThat(r.err()).contains("(see 'ir --help')");
        var o = ir.assertRefused(2, "ir: Unknown option: '--improtant'", "log", "--improtant", "x");
        assertThat(o.err()).contains("did you mean '--important'?");
    }
}
