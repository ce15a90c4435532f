package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportTest {
    static final Instant T = Instant.parse("2026-03-31T23:00:00Z");
    static final IrConfig CONFIG = new IrConfig("SEV-3", List.of(new IrConfig.Severity("SEV-1", "", true),
            new IrConfig.Severity("SEV-2", "", true), new IrConfig.Severity("SEV-3", "", false)),
            List.of(new IrConfig.Role("commander", "IC", "", false)), List.of("investigating", "resolved"),
            List.of("SEV-1"));

    private static List<Duration> minutes(long... ms) {
        return java.util.Arrays.stream(ms).mapToObj(Duration::ofMinutes).toList();
    }

    @Test
    void medianAndNearestRankP90() {
        assertThat(Report.Measure.of(List.of())).isEqualTo(new Report.Measure(null, null, 0));
        Report.Measure one = Report.Measure.of(minutes(7));
        assertThat(one.median()).isEqualTo(Duration.ofMinutes(7));
        assertThat(one.p90()).isEqualTo(Duration.ofMinutes(7));
        // Even count: mean of the two middle values, rounded down to the second.
        Report.Measure two = Report.Measure.of(List.of(Duration.ofSeconds(1), Duration.ofSeconds(4)));
        assertThat(two.median()).isEqualTo(Duration.ofSeconds(2));
        assertThat(two.p90()).isEqualTo(Duration.ofSeconds(4));
        // Ten values: rank ceil(9) = 9th; eleven: rank ceil(9.9) = 10th. Unsorted input.
        Report.Measure ten = Report.Measure.of(minutes(10, 1, 9, 2, 8, 3, 7, 4, 6, 5));
        assertThat(ten.median()).isEqualTo(Duration.ofSeconds(330));
        assertThat(ten.p90()).isEqualTo(Duration.ofMinutes(9));
        Report.Measure eleven = Report.Measure.of(minutes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
        assertThat(eleven.median()).isEqualTo(Duration.ofMinutes(6));
        assertThat(eleven.p90()).isEqualTo(Duration.ofMinutes(10));
        assertThat(eleven.n()).isEqualTo(11);
    }

    private static Incident incident(String id, Instant started, String... tags) {
        TimelineEvent declared = new TimelineEvent("e" + id, started, "A <a@example.com>", TimelineEvent.DECLARED,
                "declared", false, Map.of());
        return Incident.declare(id, "t " + id, "SEV-2", "investigating", false, started, declared)
                .withTime(Milestone.STARTED, started).withList(ListField.TAGS, List.of(tags));
    }

    @Test
    void impactWindowsDecideStartAndLastMitigation() {
        Incident i = incident("a", T.plusSeconds(3600))
                .withImpactWindows(List.of(new ImpactWindow(T, T.plusSeconds(600), null),
                        new ImpactWindow(T.plusSeconds(1200), T.plusSeconds(1800), "again")))
                .withTime(Milestone.MITIGATED, T.plusSeconds(600)).withTime(Milestone.RESOLVED, T.plusSeconds(7200));
        assertThat(Report.impactStart(i)).isEqualTo(T);
        assertThat(Report.lastMitigation(i)).isEqualTo(T.plusSeconds(1800));
        Report.Times4 t = Report.Times4.of(i);
        assertThat(t.mitigate()).isEqualTo(Duration.ofMinutes(30));
        assertThat(t.resolve()).isEqualTo(Duration.ofHours(2));
        assertThat(t.detect()).isNull();
        Incident ongoing = i.withImpactWindows(List.of(new ImpactWindow(T, null, null)));
        assertThat(Report.lastMitigation(ongoing)).isNull();
        // Impact started 23:00 on 31 March: March and Q1, whatever the declaration's time.
        assertThat(Report.periodOf(Report.impactStart(i), Report.By.MONTH)).isEqualTo("2026-03");
        assertThat(Report.periodOf(Report.impactStart(i), Report.By.QUARTER)).isEqualTo("2026-Q1");
    }

    @Test
    void repeatsAreWithinThirtyDaysOfTheNearestEarlierIncidentWithTheTag() {
        List<Incident> all = List.of(incident("a", T, "db"), incident("b", T.plus(Duration.ofDays(30)), "db", "net"),
                incident("c", T.plus(Duration.ofDays(61)), "db"), incident("d", T.plus(Duration.ofDays(92)), "NET"));
        Report.Result r = Report.compute(all, CONFIG, Report.Query.all(), T.plus(Duration.ofDays(120)));
        assertThat(r.repeats()).extracting(Report.Repeat::id, Report.Repeat::tag, Report.Repeat::previous)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", "db", "a"));
        assertThat(r.periods()).extracting(Report.Period::label).containsExactly("2026-03", "2026-04", "2026-05",
                "2026-06", "2026-07");
        assertThat(r.periods().get(3).incidents()).as("a quiet month is listed").isZero();
        assertThat(r.topTags()).extracting(Report.TagCount::tag).containsExactly("db", "net");
    }

    @Test
    void unknownPeriodIsAUsageError() {
        assertThatThrownBy(() -> Report.By.parse("week")).isInstanceOf(IrException.class)
                .hasMessage("unknown period 'week': use month or quarter");
        assertThat(Report.By.parse("Quarterly")).isEqualTo(Report.By.QUARTER);
    }
}
