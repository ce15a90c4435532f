package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TriggersTest {
    private static Notification notification(Map<String, String> labels) {
        Alert a = new Alert("fp1", Alert.FIRING, labels, Map.of("summary", "5xx high"),
                Instant.parse("2025-05-01T11:52:00Z"), null, null);
        return new Notification("alertmanager", "{}:{alertname=\"X\"}", "firing", "5xx high", labels,
                Map.of("summary", "5xx high"), Map.of("receiver", "ir", "commonLabels", labels,
                "commonAnnotations", Map.of("summary", "5xx high")), List.of(a), null, null, null, List.of());
    }

    private static TriggerRule rule(String severity, Map<String, Object> match) {
        List<TriggerRule.Matcher> ms = match.entrySet().stream()
                .map(e -> Triggers.matcher(e.getKey(), e.getValue())).toList();
        return new TriggerRule(1, ms, severity, List.of(), null, null, false, null, null);
    }

    @Test
    void theFirstMatchingRuleWinsAndNoMatchIsTheDefault() {
        Notification n = notification(Map.of("severity", "critical", "service", "checkout"));
        TriggerRule exact = rule("SEV-1", Map.of("severity", "warning"));
        TriggerRule regex = rule("SEV-2", Map.of("service", "~check.*"));
        TriggerRule list = rule("SEV-3", Map.of("severity", List.of("critical", "page")));
        assertThat(Triggers.route(List.of(exact, regex, list), n)).isSameAs(regex);
        assertThat(Triggers.route(List.of(exact, list, regex), n)).isSameAs(list);
        assertThat(Triggers.route(List.of(exact), n)).isSameAs(TriggerRule.DEFAULT);
        TriggerRule noMatch = rule("SEV-4", Map.of());
        assertThat(Triggers.route(List.of(exact, noMatch), n)).isSameAs(noMatch);
    }

    @Test
    void aPatternMatchesTheWholeValueAndAMissingKeyNeverMatches() {
        Notification n = notification(Map.of("service", "checkout-eu"));
        assertThat(Triggers.matches(rule(null, Map.of("service", "~check")), n)).isFalse();
        assertThat(Triggers.matches(rule(null, Map.of("service", "~check.*")), n)).isTrue();
        assertThat(Triggers.matches(rule(null, Map.of("team", "~.*")), n)).isFalse();
        // A dotted key reads the payload's fields; a bare one falls back to a top-level field.
        assertThat(Triggers.matches(rule(null, Map.of("commonAnnotations.summary", "5xx high")), n)).isTrue();
        assertThat(Triggers.matches(rule(null, Map.of("receiver", "ir")), n)).isTrue();
    }

    @Test
    void catastrophicBacktrackingIsCutShortAndDoesNotMatch() {
        Notification n = notification(Map.of("service", "a".repeat(40) + "!"));
        long start = System.nanoTime();
        assertThat(Triggers.matches(rule(null, Map.of("service", "~(a+)+$")), n)).isFalse();
        assertThat(Triggers.matches(rule(null, Map.of("service", "~(a|aa)+b")), n)).isFalse();
        // Bounded by a count of characters read, not a clock: it returns, whatever the machine.
        assertThat(System.nanoTime() - start).isPositive();
    }

    @Test
    void badMatchersAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> Triggers.matcher("service", "~(unclosed")).hasMessageStartingWith(
                "match 'service' has an invalid pattern");
        assertThatThrownBy(() -> Triggers.matcher("service", "~" + "a".repeat(300))).hasMessageContaining(
                "over the limit of 256");
        assertThatThrownBy(() -> Triggers.matcher("severity", List.of())).hasMessageContaining("empty list");
        assertThatThrownBy(() -> Triggers.matcher("severity", Map.of("a", 1))).hasMessageContaining("must be a value");
    }

    @Test
    void titleTemplatesSubstituteVariablesOnly() {
        Notification n = notification(Map.of("service", "checkout", "alertname", "HighErrorRate"));
        assertThat(Triggers.title("{{commonLabels.service}}: {{{commonAnnotations.summary}}} {{nope}}", n))
                .isEqualTo("checkout: 5xx high");
        assertThat(Triggers.title("{{labels.alertname}}\non {{source}}", n)).isEqualTo("HighErrorRate on alertmanager");
        assertThat(Triggers.title("x".repeat(400), n)).hasSize(Triggers.MAX_TITLE);
        assertThatThrownBy(() -> Triggers.checkTemplate("{{#alerts}}{{labels.instance}}{{/alerts}}"))
                .hasMessageContaining("only use variables");
        assertThat(Triggers.checkTemplate("{{commonLabels.alertname}} on {{ commonLabels.service }}")).isNotNull();
    }
}
