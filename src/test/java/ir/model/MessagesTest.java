package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-line notification text and Slack's mrkdwn, for an update rendered from a template. */
class MessagesTest {
    private static final Instant T = Instant.parse("2026-11-30T16:10:00Z");

    private static Incident incident() {
        TimelineEvent declared = new TimelineEvent(IncidentIds.eventId(), T, "Nia <nia@example.com>",
                TimelineEvent.DECLARED, "Declared SEV-2: Checkout down", false, Map.of("severity", "SEV-2"));
        return Incident.declare("2026-11-30-checkout-down", "Checkout down", "SEV-2", "investigating", false, T,
                declared);
    }

    @Test
    void anUpdateWhoseTextEndsItsSentenceGetsNoDoubledPeriodBeforeTheNextUpdate() {
        TimelineEvent update = new TimelineEvent(IncidentIds.eventId(), T, "Nia <nia@example.com>", "update",
                "**[SEV-2] Checkout down**: internal update\n\nRolling back.\n\nNext update by 16:30 UTC.", false,
                Map.of("audience", "internal", "next_update_at", "2026-11-30T16:30:00Z"));

        String text = Messages.text(incident(), update, "update");

        assertThat(text).doesNotContain("..").endsWith("UTC. Next update 16:30 UTC");
    }

    @Test
    void slackGetsItsOwnBoldAndEscapedAngleBrackets() {
        assertThat(Messages.slackMrkdwn("**[SEV-2] Checkout down**: <b> & co"))
                .isEqualTo("*[SEV-2] Checkout down*: &lt;b&gt; &amp; co");
    }
}
