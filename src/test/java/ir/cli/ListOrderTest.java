package ir.cli;

import ir.model.IncidentSummary;
import ir.model.Milestone;
import ir.testing.IrTester;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast newest-first sort of {@code ir list} orders exactly as the comparator it stands in for. */
class ListOrderTest {
    private static final Comparator<IncidentSummary> NEWEST_FIRST = Comparator
            .comparing((IncidentSummary s) -> s.openedAt() == null ? Instant.EPOCH : s.openedAt()).reversed()
            .thenComparing(IncidentSummary::id);

    private static IncidentSummary summary(String id, Instant opened) {
        return new IncidentSummary(id, "t", "SEV-2", "investigating", false,
                opened == null ? Map.of() : Map.of(Milestone.OPENED, opened), Map.of(), List.of(), 1, 0);
    }

    private static List<IncidentSummary> byId(List<IncidentSummary> list) {
        List<IncidentSummary> out = new ArrayList<>(list);
        out.sort(Comparator.comparing(IncidentSummary::id));
        return out;
    }

    @Test
    void sortsLikeTheComparatorWithTiesNullsAndTimesBefore1970() {
        Random random = new Random(7);
        List<IncidentSummary> all = new ArrayList<>();
        for (int k = 0; k < 5000; k++) {
            Instant t = k % 97 == 0 ? null : Instant.ofEpochSecond(random.nextInt(400) * 3600L - 100 * 3600L);
            all.add(summary(String.format("2026-01-%02d-incident-%05d", 1 + random.nextInt(28), k), t));
        }
        List<IncidentSummary> input = byId(all);

        IncidentSummary[] fast = ListCommand.sortNewestFirst(input);

        IncidentSummary[] expected = input.toArray(new IncidentSummary[0]);
        Arrays.sort(expected, NEWEST_FIRST);
        assertThat(fast).containsExactly(expected);
    }

    @TempDir
    Path dir;

    @Test
    void aListingAfterAnIncidentChangedShowsTheChangeAndResortsWhenItsOpeningTimeMoved() throws Exception {
        IrTester ir = IrTester.workspace(dir);
        String first = ir.open("Disk full", "--severity", "SEV-3");
        ir.advance(Duration.ofHours(1));
        String second = ir.open("Checkout latency spike", "--severity", "SEV-2");
        ir.advance(Duration.ofHours(1));
        String third = ir.open("Payments down", "--severity", "SEV-1");
        assertThat(ids(ir.run("list").out())).containsExactly(third, second, first);

        assertThat(ir.run("set", "-i", second, "title", "Checkout latency spike in eu-west").exit()).isZero();
        String listed = ir.run("list").out();
        assertThat(ids(listed)).containsExactly(third, second, first);
        assertThat(listed).contains("Checkout latency spike in eu-west");

        // A hand edit that moves the opening time later than the others: the order follows it.
        Path f = ir.incidentFile(first);
        String yaml = Files.readString(f);
        String opened = yaml.lines().filter(l -> l.startsWith("opened_at:")).findFirst().orElseThrow();
        Files.writeString(f, yaml.replace(opened, "opened_at: 2026-11-28T23:00:00Z"));
        assertThat(ids(ir.run("list").out())).containsExactly(first, third, second);

        // Replaced again by a command (the directory lists the same names in the same order): still seen.
        assertThat(ir.run("set", "-i", third, "title", "Payments down in us-east").exit()).isZero();
        assertThat(ir.run("list").out()).contains("Payments down in us-east");
        assertThat(ir.run("set", "-i", third, "title", "Payments down everywhere").exit()).isZero();
        assertThat(ir.run("list").out()).contains("Payments down everywhere").doesNotContain("us-east");
    }

    private static List<String> ids(String listing) {
        return listing.lines().map(l -> l.substring(2).split("\\s+")[0]).toList();
    }

    @Test
    void timesWithFractionsOfASecondStillSortExactly() {
        List<IncidentSummary> input = byId(List.of(summary("2026-01-01-a", Instant.parse("2026-01-01T10:00:00.5Z")),
                summary("2026-01-01-b", Instant.parse("2026-01-01T10:00:00.2Z")),
                summary("2026-01-01-c", Instant.parse("2026-01-01T10:00:00Z"))));

        assertThat(ListCommand.sortNewestFirst(input)).extracting(IncidentSummary::id)
                .containsExactly("2026-01-01-a", "2026-01-01-b", "2026-01-01-c");
    }
}
