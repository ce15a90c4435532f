package ir.render;

import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.ListField;
import ir.model.Milestone;
import ir.model.TextField;
import ir.model.TimelineEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A template is someone else's content: whatever it says, a render ends soon, with a one-line error naming it. */
class TemplateBudgetTest {
    private static final IrConfig CONFIG = new IrConfig("SEV-3",
            List.of(new IrConfig.Severity("SEV-1", "critical", true), new IrConfig.Severity("SEV-2", "major", true),
                    new IrConfig.Severity("SEV-3", "minor", false)), List.of(),
            List.of("investigating", "identified", "monitoring", "resolved", "closed"), List.of());
    private static final Instant T = Instant.parse("2026-11-28T15:00:00Z");
    private static final String FIVE_DEEP = "{{#timeline}}{{#timeline}}{{#timeline}}{{#timeline}}{{#timeline}}"
            + "{{/timeline}}{{/timeline}}{{/timeline}}{{/timeline}}{{/timeline}}";

    @TempDir
    Path ws;
    Templates templates;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(ws.resolve("templates"));
        templates = new Templates(ws, ws.resolve("templates"));
    }

    /** A long incident: 500 timeline entries of every kind, a paragraph in every text field, 20 action items. */
    static Incident incident(int events) {
        String paragraph = "Checkout requests timed out after release 412 shrank the payment service's pool; "
                .repeat(6).strip();
        Incident i = Incident.declare("2026-11-28-x", "Checkout latency spike", "SEV-2", "investigating", false, T,
                new TimelineEvent("e0declared", T, "Alice <a@example.com>", TimelineEvent.DECLARED,
                        "Declared: Checkout latency spike (SEV-2)", false, Map.of()));
        for (TextField f : TextField.values()) {
            i = i.withText(f, paragraph);
        }
        i = i.withList(ListField.WENT_WELL, List.of("the rollback", "the pager")).withList(ListField.TAGS,
                List.of("checkout", "payments")).withList(ListField.LINKS, List.of("https://status.example.com/1"));
        List<ir.model.ActionItem> actions = new ArrayList<>();
        for (int a = 0; a < 20; a++) {
            actions.add(new ir.model.ActionItem("a" + a, "Deploy region by region " + a, "prevent",
                    "Bob <b@example.com>", "2026-12-12", "open", "https://tracker.example.com/OPS-" + a, Map.of()));
        }
        i = i.withActions(actions).withTime(Milestone.STARTED, T.minusSeconds(600))
                .withRole("commander", List.of("Carol <c@example.com>"));
        String[] severities = {"SEV-1", "SEV-2"};
        for (int e = 1; e < events; e++) {
            Instant at = T.plusSeconds(60L * e);
            String who = "Responder " + (e % 7) + " <r" + (e % 7) + "@example.com>";
            TimelineEvent ev = e % 50 == 0
                    ? new TimelineEvent("e" + e, at, who, TimelineEvent.SEVERITY, "escalate", false,
                    Map.of("from", severities[(e / 50 + 1) % 2], "to", severities[(e / 50) % 2]))
                    : new TimelineEvent("e" + e, at, who, TimelineEvent.NOTE, "Entry " + e + ": " + paragraph,
                    e % 10 == 0, Map.of());
            i = i.withEvent(ev);
        }
        return i;
    }

    private Templates.Source write(String name, String text) throws IOException {
        Files.writeString(ws.resolve("templates/" + name + BuiltinTemplates.SUFFIX), text);
        return templates.find(name, ws);
    }

    @Test
    void theBuiltInTemplatesRenderA500EventIncidentFarUnderEveryBudget() {
        Map<String, Object> view = PostmortemView.of(incident(500), CONFIG, T.plusSeconds(60 * 600));
        for (String name : BuiltinTemplates.NAMES) {
            Templates.Budget budget = new Templates.Budget();

            String md = templates.render(templates.find(name, ws), view, budget);

            assertThat(budget.steps()).as(name).isPositive().isLessThan(Templates.MAX_STEPS / 100);
            assertThat(budget.deepest()).as(name).isLessThan(Templates.MAX_NESTING / 5);
            assertThat(md.length()).as(name).isLessThan(Templates.MAX_OUTPUT_CHARS / 20);
        }
        String md = templates.render(templates.find("postmortem", ws), view);
        assertThat(md).contains("Entry 499: ").contains("Entry 1: ");
    }

    @Test
    void aTimelineNestedFiveDeepInItselfStopsWithinSecondsNamingTheTemplate() throws IOException {
        Templates.Source bomb = write("bomb", FIVE_DEEP);
        Map<String, Object> view = PostmortemView.of(incident(500), CONFIG, T.plusSeconds(60 * 600));
        long start = System.nanoTime();

        IrException e = catchThrowableOfType(IrException.class, () -> templates.render(bomb, view));

        assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(10.0);
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(e.getMessage()).startsWith("template templates/bomb.md.mustache needs more than 2,000,000 steps")
                .doesNotContain("\n");
    }

    @Test
    void aLargeValueRepeatedForEveryEntryIsStoppedByTheOutputCap() throws IOException {
        Templates.Source bomb = write("bomb", "{{#timeline}}{{summary}}{{summary}}{{summary}}{{/timeline}}");
        Incident big = incident(500).withText(TextField.SUMMARY, "x".repeat(64 * 1024));
        Templates.Budget budget = new Templates.Budget();

        assertThatThrownBy(() -> templates.render(bomb, PostmortemView.of(big, CONFIG, T), budget))
                .isInstanceOfSatisfying(IrException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE))
                .hasMessage("template templates/bomb.md.mustache produced more than 8,192 KiB of output: check it "
                        + "for sections or partials nested in themselves");
        // Stopped by the output, long before the work budget.
        assertThat(budget.steps()).isLessThan(Templates.MAX_STEPS / 100);
    }

    @Test
    void sectionsNestedThroughPartialsCountAgainstTheSameBudget() throws IOException {
        for (int level = 0; level < 5; level++) {
            write("level" + level, "{{#timeline}}" + (level == 4 ? "" : "{{> level" + (level + 1) + "}}")
                    + "{{/timeline}}");
        }
        Templates.Source root = write("root", "{{> level0}}");
        Map<String, Object> view = PostmortemView.of(incident(500), CONFIG, T.plusSeconds(60 * 600));
        long start = System.nanoTime();

        assertThatThrownBy(() -> templates.render(root, view))
                .hasMessageStartingWith("template templates/root.md.mustache needs more than 2,000,000 steps")
                .isInstanceOfSatisfying(IrException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE));
        assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(10.0);
    }

    @Test
    void partialsThatFanOutAreStoppedBeforeTheyAreAllRead() throws IOException {
        // Each of ten partials includes the next twenty times: 20^10 inclusions that write nothing.
        for (int level = 0; level < 10; level++) {
            write("level" + level, level == 9 ? "" : ("{{> level" + (level + 1) + "}}").repeat(20));
        }
        Templates.Source root = write("root", "{{> level0}}");
        long start = System.nanoTime();

        assertThatThrownBy(() -> templates.render(root, PostmortemView.of(incident(3), CONFIG, T)))
                .isInstanceOf(IrException.class).hasMessage("template templates/root.md.mustache includes too many "
                        + "partials");
        assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(10.0);
    }

    @Test
    void aPartialThatIncludesItselfIsStoppedByThePartialDepth() throws IOException {
        write("loop", "x{{> loop}}");
        Templates.Source root = write("root", "{{> loop}}");

        assertThatThrownBy(() -> templates.render(root, PostmortemView.of(incident(3), CONFIG, T)))
                .isInstanceOf(IrException.class).hasMessageContaining("partial recursion limit reached: "
                        + Templates.MAX_PARTIAL_DEPTH).hasMessageNotContaining("\n");
    }

    @Test
    void sectionsNestedDeeperThanTheLimitAreRefused() throws IOException {
        Templates.Source deep = write("deep", "{{#title}}".repeat(Templates.MAX_NESTING + 1) + "x"
                + "{{/title}}".repeat(Templates.MAX_NESTING + 1));

        assertThatThrownBy(() -> templates.render(deep, PostmortemView.of(incident(3), CONFIG, T)))
                .isInstanceOfSatisfying(IrException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE))
                .hasMessageStartingWith("template templates/deep.md.mustache nests sections and partials more than "
                        + Templates.MAX_NESTING + " deep");
    }

    @Test
    void sectionsNestedUpToTheLimitStillRender() throws IOException {
        Templates.Source deep = write("deep", "{{#title}}".repeat(Templates.MAX_NESTING) + "{{title}}"
                + "{{/title}}".repeat(Templates.MAX_NESTING));

        assertThat(templates.render(deep, PostmortemView.of(incident(3), CONFIG, T)))
                .isEqualTo("Checkout latency spike");
    }

    @Test
    void aPartialIsOnlyAFileOfTemplatesNotALinkToAnotherFileOfTheWorkspace() throws IOException {
        Files.createDirectories(ws.resolve("docs"));
        Files.writeString(ws.resolve("docs/notes.md.mustache"), "private notes\n");
        Files.createSymbolicLink(ws.resolve("templates/notes.md.mustache"), Path.of("../docs/notes.md.mustache"));
        Templates.Source root = write("root", "before {{> notes}} after");

        assertThatThrownBy(() -> templates.render(root, PostmortemView.of(incident(3), CONFIG, T)))
                .isInstanceOfSatisfying(IrException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE))
                .hasMessageStartingWith("refusing to read templates/notes.md.mustache: it is a symbolic link")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aPartialWithAPathIsRefused() throws IOException {
        Templates.Source root = write("root", "{{> ../docs/notes}}");

        assertThatThrownBy(() -> templates.render(root, PostmortemView.of(incident(3), CONFIG, T)))
                .isInstanceOf(IrException.class).hasMessageContaining("a partial must be a plain name");
    }
}
