package ir.cli;

import ir.model.Times;
import ir.testing.IrTester;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Impossible dates, out-of-range years, overflowing numbers, odd ir.yaml values and files ir cannot keep: refused. */
@Timeout(120)
class StrictInputTest {
    @TempDir
    Path tmp;
    IrTester ir;
    String id;

    @BeforeEach
    void setUp() {
        ir = IrTester.workspace(tmp).at("2026-11-28T15:01:00Z");
        id = ir.open("Strict incident");
    }

    private void plant(String relative, String content) throws Exception {
        Files.writeString(tmp.resolve(relative), content);
        try (var git = org.eclipse.jgit.api.Git.open(tmp.toFile())) {
            git.add().addFilepattern(relative).call();
            git.commit().setMessage("plant " + relative).setAuthor("Mallory", "m@example.com")
                    .setCommitter("Mallory", "m@example.com").call();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "ir: invalid time for --at '2026-02-30T10:00:00Z';log|x|--at|2026-02-30T10:00:00Z",
            "ir: invalid time for --at '2026-02-30 10:00';log|x|--at|2026-02-30 10:00",
            "ir: invalid time for --at '2026-04-31';log|x|--at|2026-04-31",
            "ir: invalid time for --at '2025-02-29T10:00:00Z';log|x|--at|2025-02-29T10:00:00Z",
            "ir: --at '0000-12-31T10:00:00Z' is outside the years 0001..9999;log|x|--at|0000-12-31T10:00:00Z",
            "ir: invalid time for --at '-0001-01-01T10:00:00Z';log|x|--at|-0001-01-01T10:00:00Z",
            "ir: invalid time for --at '+10000-01-01T10:00:00Z';log|x|--at|+10000-01-01T10:00:00Z",
            "ir: invalid time for --at '-99999999999999999999d';log|x|--at|-99999999999999999999d",
            "ir: --at '-999999999d' is outside the years 0001..9999;log|x|--at|-999999999d",
            "ir: invalid date for --due '2026-02-30';action|add|fix|--due|2026-02-30",
            "ir: --due '+999999999w' is outside the years 0001..9999;action|add|fix|--due|+999999999w",
            "ir: invalid date for --due '+99999999999999999999d';action|add|fix|--due|+99999999999999999999d",
            "ir: invalid time for --since '2026-02-30';list|--since|2026-02-30",
            "ir: invalid time for --until '2026-13-01';stats|--until|2026-13-01",
    })
    void impossibleDatesOutOfRangeYearsAndOverflowsAreUsageErrors(String message, String command) {
        String[] args = command.split("\\|");
        ir.assertRefused(2, message, args);
    }

    @Test
    void aValidLeapDayIsStillAccepted() {
        var r = ir.run("log", "leap", "--at", "2024-02-29T10:00:00Z");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(ir.committedYaml(id).get("timeline").toString()).contains("2024-02-29T10:00:00Z");
    }

    @Test
    void yearsBeforeTheCommonEraNeverPrintAsFutureYears() {
        Instant bce = LocalDateTime.of(-1, 6, 1, 12, 0).toInstant(ZoneOffset.UTC);
        assertThat(Times.short_(bce, ir.clock(), false)).startsWith("-0001-06-01 12:00");
        assertThat(Times.short_(bce, ir.clock().withZone(ZoneOffset.UTC), true)).startsWith("-0001-06-01");
        assertThat(Times.format(bce)).startsWith("-0001-06-01");
    }

    @ParameterizedTest
    @CsvSource({"+999999999-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "0000-06-01T00:00:00Z"})
    void aFileDatedOutsideTheYearsIrKeepsIsAOneLineErrorNamingFileAndKey(String at) throws Exception {
        String file = "incidents/" + id + ".yaml";
        String yaml = ir.read(file).replaceFirst("opened_at: \\S+", "opened_at: \"" + at + "\"");
        assertThat(yaml).contains(at);
        plant(file, yaml);
        ir.assertRefused(1, "ir: " + file + " has a time outside the years 0001..9999 in 'opened_at'", "postmortem");
        ir.assertRefused(1, "ir: " + file + " has a time outside the years", "show");
    }

    @ParameterizedTest
    @CsvSource({"9999999999999", "99999999999999999999999", "86401", "-1", "1.5", "ten"})
    void aLockTimeoutOutOfBoundsIsAUsageError(String value) {
        ir.env("IR_LOCK_TIMEOUT", value)
                .assertRefused(2, "ir: IR_LOCK_TIMEOUT must be a whole number of seconds from 0 to 86400", "log", "x");
    }

    @Test
    void theLongestLockTimeoutIsAccepted() {
        var r = ir.env("IR_LOCK_TIMEOUT", "86400").run("log", "x");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "severities: hello|'severities' at line 1 must be a list of severities|a string",
            "roles: 5|'roles' at line 1 must be a list of roles|a number",
            "default_severity: [1, 2]|'default_severity' at line 1 must be a severity name|a list",
            "statuses: {a: 1}|'statuses' at line 1 must be a list of statuses|a mapping",
            "severities:\\n  - [SEV-1]|'severities' at line 1 must be a list of severities|a list",
            "postmortem: 3|'postmortem' at line 1 must be a mapping|a number",
            "postmortem:\\n  required_for: SEV-1|'postmortem.required_for' at line 2 must be a list of severity names|"
                    + "a string",
    })
    void anIrYamlValueOfTheWrongTypeIsReportedByKeyAndLine(String yaml, String what, String found) throws Exception {
        plant("ir.yaml", yaml.replace("\\n", "\n") + "\n");
        var r = ir.assertRefused(1, "ir: ir.yaml: " + what, "open", "Another");
        assertThat(r.err()).contains("not " + found);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
            "2;is written in schema 2, newer than this ir knows (1)", "hello;has an invalid 'schema'",
            "0;has an invalid 'schema'"})
    void anUnknownSchemaIsRefusedAndNeverRewritten(String schema, String message) throws Exception {
        String file = "incidents/" + id + ".yaml";
        plant(file, ir.read(file).replaceFirst("schema: 1", "schema: " + schema));
        ir.assertRefused(1, "ir: " + file + " " + message, "log", "x");
        ir.assertRefused(1, "ir: " + file + " " + message, "severity", "1");
        ir.assertRefused(1, "ir: " + file + " " + message, "postmortem");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"owner: !team sre|'!team'",
            "? !k key\\n: value|'!k'", "labels: !set [a, b]|'!set'", "raw: ! 12|'!'"})
    void aFileWithATagIrCannotKeepIsRefusedNotStripped(String line, String tag) throws Exception {
        String file = "incidents/" + id + ".yaml";
        plant(file, ir.read(file) + line.replace("\\n", "\n") + "\n");
        ir.assertRefused(1, "ir: " + file + " uses the YAML tag " + tag + " at line", "log", "x");
    }

    @Test
    void yamlsOwnTagsSurviveARewriteAsTheSameValue() throws Exception {
        String file = "incidents/" + id + ".yaml";
        plant(file, ir.read(file) + "ticket: !!str 123\ncount: !!int 7\n");
        var r = ir.run("log", "x");
        assertThat(r.exit()).as(r.toString()).isZero();
        var yaml = ir.committedYaml(id);
        assertThat(yaml.get("ticket").isTextual()).isTrue();
        assertThat(yaml.get("ticket").asText()).isEqualTo("123");
        assertThat(yaml.get("count").asInt()).isEqualTo(7);
    }

    @Test
    @Timeout(300)
    void aChangeThatWouldMakeTheFileUnreadableIsRefusedBeforeAnythingIsWritten() throws Exception {
        String file = "incidents/" + id + ".yaml";
        int room = 8 * 1024 * 1024 - 4096;
        // realistic content (lines, as pasted output would be): one long run without a space is refused on read
        String line = "  " + "x".repeat(97) + "\n";
        String big = ir.read(file) + "attachment: |\n" + line.repeat((room - ir.read(file).length() - 32) / 100);
        assertThat(big.length()).isLessThan(8 * 1024 * 1024);
        plant(file, big);
        String entry = "界".repeat(3000);
        ir.assertRefused(2, "ir: this change would make " + file + " 8.0 MiB, over the 8 MiB limit for one file: "
                + "link long output", "log", entry);
    }
}
