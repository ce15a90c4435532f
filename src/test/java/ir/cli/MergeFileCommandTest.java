package ir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MergeFileCommandTest {
    @TempDir
    Path tmp;

    @Test
    void mergesTwoSidesLogsIntoOursAndExitsZero() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        String id = t.open("Disk full");
        Path file = t.incidentFile(id);
        Path base = tmp.resolve("base.yaml");
        Files.copy(file, base);
        t.advance(Duration.ofMinutes(1)).run("log", "ours");
        Path ours = tmp.resolve("ours.yaml");
        Files.copy(file, ours);
        Files.copy(base, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        t.advance(Duration.ofMinutes(1)).run("log", "theirs");
        Path theirs = tmp.resolve("theirs.yaml");
        Files.copy(file, theirs);

        IrTester.Result r = t.cwd(tmp).run("merge-file", "base.yaml", "ours.yaml", "theirs.yaml",
                "incidents/" + id + ".yaml");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode merged = new ObjectMapper(new YAMLFactory()).readTree(ours.toFile());
        List<String> texts = new ArrayList<>();
        merged.get("timeline").forEach(e -> texts.add(e.path("text").asText()));
        assertThat(texts).contains("ours", "theirs");
    }

    @Test
    void ranksSeveritiesByTheWorkspacesOwnLevelsAndDatesTheMergeEventAtTheMerge() throws Exception {
        IrTester t = IrTester.workspace(tmp.resolve("w"));
        Path config = t.dir().resolve("ir.yaml");
        // the team's own levels, which ir init's order does not know: only ir.yaml says P1 is the more severe
        Files.writeString(config, Files.readString(config).replaceAll("SEV-", "P"));
        String id = t.open("Disk full", "--severity", "P3");
        Path file = t.incidentFile(id);
        Path base = tmp.resolve("base.yaml");
        Files.copy(file, base);
        assertThat(t.advance(Duration.ofMinutes(1)).run("severity", "P1").exit()).isZero();
        Path ours = tmp.resolve("ours.yaml");
        Files.copy(file, ours);
        Files.copy(base, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(t.advance(Duration.ofMinutes(1)).run("severity", "P2").exit()).isZero();
        Path theirs = tmp.resolve("theirs.yaml");
        Files.copy(file, theirs);

        // as git runs a merge driver: at the top of the work tree, with the file's path there
        IrTester.Result r = t.at("2026-11-28T12:00:00Z").cwd(t.dir()).run("merge-file", base.toString(),
                ours.toString(), theirs.toString(), "incidents/" + id + ".yaml");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode merged = new ObjectMapper(new YAMLFactory()).readTree(ours.toFile());
        assertThat(merged.get("severity").asText()).as("the more severe, though P2 was the later change")
                .isEqualTo("P1");
        JsonNode merge = null;
        for (JsonNode e : merged.get("timeline")) {
            if (e.get("type").asText().equals("merge")) {
                merge = e;
            }
        }
        assertThat(merge).isNotNull();
        assertThat(merge.get("lost").asText()).isEqualTo("P2");
        assertThat(merge.get("at").asText()).isEqualTo("2026-11-28T12:00:00Z");
    }

    @Test
    void refusesAnInvalidSideAndLeavesOursAsItWas() throws Exception {
        Files.writeString(tmp.resolve("base.yaml"), "");
        Files.writeString(tmp.resolve("ours.yaml"), "schema: 1\nid: x\ntitle: X\n");
        Files.writeString(tmp.resolve("theirs.yaml"), "timeline: [broken\n");
        IrTester.Result r = IrTester.plainDir(tmp).run("merge-file", "base.yaml", "ours.yaml", "theirs.yaml", "x.yaml");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).startsWith("ir: ").contains("x.yaml (theirs)");
        assertThat(Files.readString(tmp.resolve("ours.yaml"))).isEqualTo("schema: 1\nid: x\ntitle: X\n");
    }

    @Test
    void isHiddenFromTheCommandList() {
        IrTester.Result r = IrTester.plainDir(tmp).run("--help");
        assertThat(r.out()).contains("sync").doesNotContain("merge-file");
    }
}
