package ir.render;

import ir.model.Incident;
import ir.model.IncidentMerge;
import ir.model.IrConfig;
import ir.model.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PostmortemViewTest {
    private static final IrConfig CONFIG = new IrConfig("SEV-3",
            List.of(new IrConfig.Severity("SEV-3", "minor", false)), List.of(),
            List.of("investigating", "monitoring", "resolved", "closed"), List.of());
    private static final Instant T = Instant.parse("2026-11-28T15:00:00Z");

    @Test
    void theMergeEventsAuthorIsNotAnAuthorOfThePostmortem() {
        Incident i = Incident.declare("2026-11-28-x", "X", "SEV-3", "investigating", false, T,
                new TimelineEvent("e0declared", T, "Alice <a@x>", TimelineEvent.DECLARED, "declared", false, Map.of()))
                .withEvent(new TimelineEvent("m1merge", T.plusSeconds(60), IncidentMerge.MERGE_AUTHOR,
                        TimelineEvent.MERGE, "concurrent changes to severity", false, Map.of()))
                .withEvent(new TimelineEvent("e2note", T.plusSeconds(90), "Bob <b@x>", TimelineEvent.NOTE, "hi",
                        false, Map.of()));

        assertThat(PostmortemView.of(i, CONFIG, T.plusSeconds(120)).get("authors_line")).isEqualTo("Alice, Bob");
    }
}
