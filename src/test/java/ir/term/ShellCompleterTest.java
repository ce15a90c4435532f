package ir.term;

import ir.store.Session;
import ir.cli.Cli;
import ir.env.Env;
import ir.store.GitIncidentStore;
import ir.store.Workspace;
import ir.testing.IrTester;
import org.jline.reader.Candidate;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What TAB offers in the shell, from the workspace's own ir.yaml and incidents. */
class ShellCompleterTest {
    @TempDir
    Path dir;

    private GitIncidentStore store;
    private DumbTerminal terminal;
    private ShellCompleter completer;
    private String checkout;
    private String search;

    @BeforeEach
    void setUp() throws Exception {
        IrTester t = IrTester.workspace(dir);
        checkout = t.open("Checkout latency spike", "--commander", "Carol <carol@example.com>");
        t.env("IR_AUTHOR", "Bob Oncall <bob@example.com>").run("log", "bob was here");
        search = t.env("IR_AUTHOR", IrTester.ALICE).open("Search is slow");
        store = new GitIncidentStore(Workspace.discover(dir, null, null), Session.of(t.clock(), IrTester.ALICE, Duration.ofSeconds(5)));
        terminal = new DumbTerminal("test", "dumb", InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                StandardCharsets.UTF_8);
        Env env = new Env(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                InputStream.nullInputStream(), t.clock(), dir, Map.of(), false);
        completer = new ShellCompleter(new Shell(env, store, terminal, null, false, Cli::commandLine));
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        terminal.close();
    }

    /** The candidates for the last word of {@code line} (a trailing space starts a new, empty word). */
    private List<Candidate> complete(String line) {
        List<String> words = new ArrayList<>(List.of(line.trim().split("\\s+")));
        if (line.endsWith(" ")) {
            words.add("");
        }
        List<Candidate> out = new ArrayList<>();
        completer.candidates(words, words.size() - 1, words.get(words.size() - 1), out);
        return out;
    }

    private List<String> values(String line) {
        return complete(line).stream().map(Candidate::value).toList();
    }

    @Test
    void severitiesComeWithTheirDescriptionsFromIrYaml() {
        List<Candidate> c = complete("/sev SEV-");

        assertThat(c).extracting(Candidate::value).containsExactly("SEV-1", "SEV-2", "SEV-3", "SEV-4", "SEV-5");
        assertThat(c.get(0).descr()).isNotBlank().isEqualTo(store.config().severities().get(0).description());
        assertThat(values("/open Db down --severity ")).contains("SEV-1", "SEV-5");
    }

    @Test
    void commandNamesIncludeTheRealCommandsAndLeaveOutTheShellItself() {
        assertThat(values("/")).contains("/log", "/show", "/use", "/open", "/list", "/help", "/quit")
                .doesNotContain("/shell", "/init");
        assertThat(complete("/").stream().filter(c -> c.value().equals("/show")).findFirst().orElseThrow().descr())
                .startsWith("Show an incident");
    }

    @Test
    void rolesStatusesAndMilestonesComeFromTheConfigAndModel() {
        assertThat(values("/role ")).contains("commander", "deputy", "scribe", "sme");
        assertThat(values("/status ")).contains("investigating", "identified", "monitoring", "resolved");
        assertThat(values("/mark ")).contains("started", "detected", "mitigated", "resolved");
        assertThat(values("/set ")).contains("summary", "root-cause", "title");
        assertThat(values("/add ")).contains("went-well", "tags");
    }

    @Test
    void peopleSeenInTheWorkspaceAreOfferedForRolesAndOwners() {
        assertThat(values("/role commander ")).contains(IrTester.ALICE, "Bob Oncall <bob@example.com>",
                "Carol <carol@example.com>");
        assertThat(values("/open X --commander ")).contains("Carol <carol@example.com>");
    }

    @Test
    void incidentIdsAreOfferedForUseAndDashI() {
        assertThat(values("/use ")).containsExactlyInAnyOrder(checkout, search);
        assertThat(values("/show -i ")).containsExactlyInAnyOrder(checkout, search);
    }

    @Test
    void optionsOfTheCommandAreOfferedAfterADash() {
        assertThat(values("/log --")).contains("--important", "--type", "--at", "--incident");
        assertThat(values("/log --type ")).contains("note", "decision", "alert");
    }

    @Test
    void plainEntriesCompleteNothing() {
        assertThat(values("database fail")).isEmpty();
    }
}
