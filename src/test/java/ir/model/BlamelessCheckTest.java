package ir.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blameless check ({@code ir postmortem --check}) catches blame aimed at any person, named or described, not only
 * at the responders it knows; it leaves sentences about systems alone.
 */
class BlamelessCheckTest {
    private static List<Postmortems.Finding> findings(String rootCause) {
        Incident i = PostmortemsTest.incident("SEV-2", false).withText(TextField.ROOT_CAUSE, rootCause);
        return Postmortems.blame(i);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "The DBA was careless with the migration.",
            "Bob forgot to renew the certificate.",
            "It was human error by the on-call.",
            "Human error caused the outage.",
            "The on-call engineer ignored the page.",
            "Someone forgot to update the config.",
            "It was Dave's fault.",
            "This was a mistake by the new hire.",
            "Our developers were sloppy when reviewing the change.",
            "The failover happened, but the admin simply neglected the alert.",
            "Priya should have checked the dashboard first.",
    })
    void blameAimedAtAPersonIsCaught(String sentence) {
        List<Postmortems.Finding> f = findings(sentence);
        assertThat(f).as(sentence).hasSize(1);
        assertThat(f.get(0).kind()).isEqualTo(Postmortems.Finding.WARNING);
        assertThat(f.get(0).message()).contains("blame-prone wording in root_cause")
                .contains("describe what the system allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "The script was careless about retries.",
            "The cache forgot keys under memory pressure.",
            "Kubernetes failed to schedule the pods.",
            "The engineer restarted the database, which failed to come up.",
            "We should have load-tested the new corpus.",
            "The alert was ignored because it fired forty times a day.",
            "The deploy failed to roll back automatically.",
            "Postgres ignored the new setting until a restart.",
            "The user error rate rose to 4%.",
            "The on-call engineer was paged at 14:58 and acknowledged within two minutes.",
            "Redis missed the eviction deadline.",
    })
    void sentencesAboutSystemsOrTheTeamAreNotFlagged(String sentence) {
        assertThat(findings(sentence)).as(sentence).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"the DBA was careless", "Bob forgot to renew it", "human error by the on-call"})
    void theFindingSaysWhomItIsAimedAt(String sentence) {
        String who = sentence.startsWith("Bob") ? "'Bob'" : sentence.startsWith("the DBA") ? "'the DBA'"
                : "'the on-call'";
        assertThat(findings(sentence)).singleElement().extracting(Postmortems.Finding::message).asString()
                .contains("next to " + who);
    }
}
