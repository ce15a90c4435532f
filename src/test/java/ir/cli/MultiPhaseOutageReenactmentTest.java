package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import ir.testing.Clones;
import ir.testing.IrTester;
import ir.testing.IrTester.Result;
import ir.testing.MarkdownDoc;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static ir.testing.IrTester.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance of issue 13: a public multi-phase outage re-enacted by three responders in three clones, backdated to
 * its published times: a degraded evening, recovery, a full outage of 18 hours after production data was deleted, a
 * lost window of data, corrected milestones, the team's own post-mortem sections and sixteen follow-ups in mixed
 * states; then its post-mortem, public (redacted) rendering and the incident as known at a moment of the night.
 */
class MultiPhaseOutageReenactmentTest {
    private static final String BOB = "Bob Dba <bob@example.com>";
    private static final String CAROL = "Carol Scribe <carol@example.com>";
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    @TempDir
    Path tmp;

    private static String out(Result r) {
        return ok(r).out().strip();
    }

    @Test
    void threeClonesReenactADegradedEveningAFullOutageAndItsDataLossIntoOneReviewedPostmortem() throws Exception {
        Path bare = Clones.bare(tmp.resolve("remote.git"));
        IrTester a = Clones.first(tmp.resolve("alice"), bare).at("2017-01-31T17:00:00Z");
        declareTeamSections(a);
        ok(a.run("sync"));
        IrTester b = Clones.clone(bare, tmp.resolve("bob"), BOB).at("2017-01-31T17:00:00Z");
        IrTester c = Clones.clone(bare, tmp.resolve("carol"), CAROL).at("2017-01-31T17:00:00Z");

        // ---- the degraded evening: Alice declares, backdated to when the load began ------------------------------
        a.at("2017-01-31T18:05:00Z");
        String id = a.open("Database load degrades the site", "--severity", "SEV-3", "--at",
                "2017-01-31T18:00:00Z", "--commander", IrTester.ALICE);
        ok(a.run("window", "start", "--at", "2017-01-31T17:20:00Z", "--label", "degraded: database load"));
        ok(a.run("mark", "detected", "--at", "2017-01-31T17:50:00Z"));
        ok(a.run("mark", "acknowledged", "--at", "2017-01-31T17:58:00Z"));
        ok(a.run("sync"));

        // Carol's sync brings exactly one open incident: it becomes hers without 'ir use'.
        c.at("2017-01-31T18:10:00Z");
        ok(c.run("sync"));
        ok(c.run("role", "scribe", CAROL));
        ok(c.run("log", "spam accounts hammering the database", "--at", "2017-01-31T18:08:00Z"));

        b.at("2017-01-31T19:35:00Z");
        ok(b.run("sync"));
        ok(b.run("role", "-i", id, "sme", BOB));
        ok(b.run("log", "-i", id, "replication lag rising on db2", "--at", "2017-01-31T19:05:00Z"));
        ok(b.run("status", "-i", id, "identified", "spam load on the primary", "--at", "2017-01-31T19:30:00Z"));
        ok(b.run("sync"));

        a.at("2017-01-31T21:05:00Z");
        ok(a.run("sync"));
        ok(a.run("status", "monitoring", "load back to normal", "--at", "2017-01-31T21:00:00Z"));
        // A correction: detection was earlier than first written down; acknowledgement was never really given.
        ok(a.run("mark", "detected", "--at", "2017-01-31T17:45:00Z"));
        ok(a.run("mark", "--clear", "acknowledged"));
        ok(a.run("sync"));

        // ---- the full outage: production data deleted by mistake --------------------------------------------------
        b.at("2017-01-31T23:40:00Z");
        ok(b.run("sync"));
        ok(b.run("window", "start", "-i", id, "--at", "2017-01-31T23:27:00Z", "--label",
                "full outage: production data deleted"));
        ok(b.run("status", "-i", id, "investigating", "db1's data directory was removed by mistake", "--at",
                "2017-01-31T23:30:00Z"));
        ok(b.run("severity", "-i", id, "SEV-1", "--reason", "the site is down", "--at", "2017-01-31T23:35:00Z"));
        // Carol, not yet synced, escalates too, later, and less: the merge keeps the more severe level.
        c.at("2017-01-31T23:45:00Z");
        ok(c.run("severity", "SEV-2", "--reason", "site errors", "--at", "2017-01-31T23:40:00Z"));
        ok(b.run("sync"));
        ok(c.run("sync"));
        assertThat(c.yaml(id).get("severity").asText()).isEqualTo("SEV-1");

        a.at("2017-02-01T02:00:00Z");
        ok(a.run("sync"));
        ok(a.run("data-loss", "--from", "2017-01-31T17:20:00Z", "--to", "2017-01-31T23:27:00Z", "--note",
                "about six hours of database changes (issues, merge requests, users) lost"));
        ok(a.run("log", "--important", "--type", "decision", "restore from the staging copy of 17:20", "--at",
                "2017-02-01T01:50:00Z"));
        ok(a.run("sync"));

        // ---- recovery ---------------------------------------------------------------------------------------------
        b.at("2017-02-01T18:20:00Z");
        ok(b.run("sync"));
        ok(b.run("status", "-i", id, "monitoring", "restored; webhooks and pages back", "--at",
                "2017-02-01T18:14:00Z"));
        ok(b.run("sync"));
        a.at("2017-02-01T18:35:00Z");
        ok(a.run("sync"));
        ok(a.run("resolve", "all services back"));

        // ---- the write-up: standard and team sections, sixteen follow-ups from three clones ---------------------
        a.at("2017-02-02T10:00:00Z");
        ok(a.run("set", "summary", "A degraded evening under spam load, then 18 hours down after production data "
                + "was deleted by mistake; about six hours of data were lost."));
        ok(a.run("set", "root-cause", "Replication broke under load; a cleanup of the secondary ran on the primary."));
        ok(a.run("add", "went-wrong", "Five backup and replication methods: none worked when needed."));
        ok(a.run("add", "got-lucky", "A staging copy taken six hours earlier existed."));
        c.at("2017-02-02T10:05:00Z");
        ok(c.run("sync"));
        ok(c.run("set", "database-setup", "One primary and one secondary, replicated; backups to object storage."));
        ok(c.run("set", "recovery-procedures", "Backups had been failing silently; the restore was never tested."));
        ok(c.run("set", "publication", "Published openly, with a live stream of the recovery."));
        ok(c.run("add", "went-well", "The whole recovery was shared openly."));

        List<String> actions = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            actions.add(out(a.run("action", "add", "Alice follow-up " + n, "--type", "prevent", "--owner",
                    IrTester.ALICE, "--due", "2017-03-0" + n)));
        }
        b.at("2017-02-02T10:10:00Z");
        ok(b.run("sync"));
        for (int n = 1; n <= 5; n++) {
            actions.add(out(b.run("action", "add", "-i", id, "Bob follow-up " + n, "--type", "mitigate", "--owner",
                    BOB)));
        }
        c.at("2017-02-02T10:15:00Z");
        for (int n = 1; n <= 5; n++) {
            actions.add(out(c.run("action", "add", "Carol follow-up " + n, "--type", "process")));
        }
        ok(a.run("sync"));
        ok(b.run("sync"));
        ok(c.run("sync"));
        ok(a.run("sync"));
        ok(b.run("sync"));
        assertThat(actions).hasSize(16).doesNotHaveDuplicates();

        a.at("2017-03-01T09:00:00Z");
        ok(a.run("action", "done", actions.get(0)));
        ok(a.run("action", "done", actions.get(6)));
        ok(a.run("action", "set", actions.get(1), "--status", "in-progress"));
        ok(a.run("action", "set", actions.get(11), "--status", "wont-do", "--reason", "superseded by follow-up 12"));
        ok(a.run("action", "set", actions.get(12), "--status", "in-progress", "--owner", CAROL, "--due",
                "2017-04-01"));
        ok(a.run("sync"));
        c.at("2017-03-02T09:00:00Z");
        ok(c.run("sync"));
        ok(c.run("action", "done", actions.get(13)));
        ok(c.run("sync"));
        ok(a.run("sync"));
        ok(b.run("sync"));

        // ---- three clones, one incident ---------------------------------------------------------------------------
        Path file = Path.of("incidents", id + ".yaml");
        assertThat(Clones.bytes(b.dir().resolve(file))).isEqualTo(Clones.bytes(a.dir().resolve(file)))
                .isEqualTo(Clones.bytes(c.dir().resolve(file)));
        assertThat(a.clean()).isTrue();
        assertThat(b.clean()).isTrue();
        assertThat(c.clean()).isTrue();

        JsonNode incident = a.committedYaml(id);
        assertThat(incident.get("severity").asText()).isEqualTo("SEV-1");
        assertThat(incident.get("status").asText()).isEqualTo("resolved");
        assertThat(incident.get("impact_windows")).hasSize(2);
        assertThat(incident.get("impact_windows").get(0).get("started_at").asText()).isEqualTo("2017-01-31T17:20:00Z");
        assertThat(incident.get("impact_windows").get(0).get("mitigated_at").asText())
                .isEqualTo("2017-01-31T21:00:00Z");
        assertThat(incident.get("impact_windows").get(1).get("started_at").asText()).isEqualTo("2017-01-31T23:27:00Z");
        assertThat(incident.get("impact_windows").get(1).get("mitigated_at").asText())
                .isEqualTo("2017-02-01T18:14:00Z");
        assertThat(incident.get("started_at").asText()).isEqualTo("2017-01-31T17:20:00Z");
        assertThat(incident.get("mitigated_at").asText()).isEqualTo("2017-02-01T18:14:00Z");
        assertThat(incident.get("detected_at").asText()).isEqualTo("2017-01-31T17:45:00Z");
        assertThat(incident.has("acknowledged_at")).isFalse();
        assertThat(incident.get("data_loss").get("from").asText()).isEqualTo("2017-01-31T17:20:00Z");
        assertThat(incident.get("database_setup").asText()).startsWith("One primary");
        List<String> order = new ArrayList<>();
        incident.get("actions").forEach(x -> order.add(x.get("id").asText()));
        assertThat(order).containsExactlyElementsOf(actions);
        assertThat(statuses(incident)).containsExactly("done", "in-progress", "open", "open", "open", "open", "done",
                "open", "open", "open", "open", "wont-do", "in-progress", "done", "open", "open");
        // The corrections are events that say what changed.
        assertThat(IrTester.timelineTexts(incident)).anyMatch(t -> t.contains("corrected from"));

        // ---- what the responders knew at two moments of the night (incident time) --------------------------------
        JsonNode evening = ok(b.run("show", "-i", id, "--as-of", "2017-01-31T22:00:00Z", "--json")).json();
        assertThat(evening.get("severity").asText()).isEqualTo("SEV-3");
        assertThat(evening.get("status").asText()).isEqualTo("monitoring");
        JsonNode night = ok(b.run("show", "-i", id, "--as-of", "2017-02-01T01:00:00Z", "--json")).json();
        assertThat(night.get("severity").asText()).isEqualTo("SEV-1");
        assertThat(night.get("status").asText()).isEqualTo("investigating");
        Result text = ok(c.run("show", "--as-of", "2017-01-31T22:00:00Z"));
        assertThat(text.out()).contains("SEV-3").contains("monitoring");

        // ---- the post-mortem ------------------------------------------------------------------------------------
        a.at("2017-02-10T10:00:00Z");
        ok(a.run("postmortem"));
        String md = a.read("incidents/" + id + ".md");
        assertWellFormedTables(md);
        MarkdownDoc doc = MarkdownDoc.parse(md);
        assertThat(doc.headings()).contains("Database setup", "Broken recovery procedures", "Publication of the incident");
        List<List<String>> timeline = doc.tableAfter("Timeline");
        long narrative = 0;
        for (JsonNode e : incident.get("timeline")) {
            String type = e.get("type").asText();
            if (!type.equals("action-item") && !type.equals("merge")) {
                narrative++;
            }
        }
        assertThat(timeline).hasSize((int) narrative);
        assertThat(timeline).noneMatch(row -> String.join(" ", row).contains("follow-up"));
        List<List<String>> table = doc.tableAfter("Action items");
        assertThat(table).hasSize(16);
        assertThat(table.get(0).get(0)).contains("Alice follow-up 1");
        assertThat(table.get(15).get(0)).contains("Carol follow-up 5");
        assertThat(md).contains("degraded: database load").contains("full outage: production data deleted");
        assertThat(md).doesNotContain("Declared Declared");

        Result redacted = ok(a.run("postmortem", "--redact", "--stdout"));
        assertThat(EMAIL.matcher(redacted.out()).find()).as(redacted.out()).isFalse();
        assertThat(redacted.out()).contains("Database setup").doesNotContain("alice@").doesNotContain("Bob Dba");
        assertWellFormedTables(redacted.out());

        ok(a.run("sync"));
        ok(c.run("sync"));
        assertThat(c.read("incidents/" + id + ".md")).isEqualTo(md);
        try (Git git = Git.open(c.dir().toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
        }
    }

    private static List<String> statuses(JsonNode incident) {
        List<String> out = new ArrayList<>();
        incident.get("actions").forEach(x -> out.add(x.get("status").asText()));
        return out;
    }

    /** The team's own post-mortem sections, declared in ir.yaml and committed as a team would. */
    private static void declareTeamSections(IrTester a) throws Exception {
        Path config = a.dir().resolve("ir.yaml");
        Files.writeString(config, Files.readString(config) + """
                fields:
                  - name: database_setup
                    title: Database setup
                    kind: text
                    section: true
                  - name: recovery_procedures
                    title: Broken recovery procedures
                    kind: text
                    section: true
                  - name: publication
                    title: Publication of the incident
                    kind: text
                    section: true
                """);
        try (Git git = Git.open(a.dir().toFile())) {
            git.add().addFilepattern("ir.yaml").call();
            git.commit().setMessage("ir.yaml: the team's own post-mortem sections")
                    .setAuthor("Alice Responder", "alice@example.com")
                    .setCommitter("Alice Responder", "alice@example.com").call();
        }
    }

    /**
     * Every GFM table of {@code md} is well-formed: a header, a delimiter row and body rows with the same number of
     * cells (pipes inside cells escaped), and no table cut by a raw newline.
     */
    static void assertWellFormedTables(String md) {
        String[] lines = md.split("\n", -1);
        boolean inFence = false;
        for (int k = 0; k < lines.length; k++) {
            String line = lines[k];
            if (line.startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (inFence || !line.startsWith("|")) {
                continue;
            }
            int width = cells(line);
            assertThat(k + 1).as("table header without delimiter: " + line).isLessThan(lines.length);
            assertThat(lines[k + 1]).as("delimiter row after " + line).matches("\\|( *:?-+:? *\\|)+");
            assertThat(cells(lines[k + 1])).as("delimiter width under " + line).isEqualTo(width);
            int n = k + 2;
            while (n < lines.length && lines[n].startsWith("|")) {
                assertThat(cells(lines[n])).as("row " + lines[n] + " of table " + line).isEqualTo(width);
                assertThat(lines[n]).as("row ends with a pipe").endsWith("|");
                n++;
            }
            k = n - 1;
        }
    }

    private static int cells(String row) {
        int count = 0;
        for (int i = 0; i < row.length(); i++) {
            char ch = row.charAt(i);
            if (ch == '\\') {
                i++;
            } else if (ch == '|') {
                count++;
            }
        }
        return count - 1;
    }
}
