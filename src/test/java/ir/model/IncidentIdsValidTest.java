package ir.model;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IncidentIds#isValid} is checked by hand for speed; it must accept exactly what the documented pattern does. */
class IncidentIdsValidTest {
    static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    @Test
    void acceptsExactlyTheSlugAlphabetWithSingleInnerDashes() {
        assertThat(IncidentIds.isValid("2015-10-21-db-outage")).isTrue();
        assertThat(IncidentIds.isValid("a")).isTrue();
        for (String bad : new String[] {"", "-a", "a-", "a--b", "A", "a_b", "a/b", "..", "a b", "ü", "x".repeat(81)}) {
            assertThat(IncidentIds.isValid(bad)).as(bad).isFalse();
        }
        assertThat(IncidentIds.isValid(null)).isFalse();
    }

    @Test
    void agreesWithThePatternOnRandomStrings() {
        Random random = new Random(42);
        String alphabet = "ab09-_.A/ ";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder s = new StringBuilder();
            int len = random.nextInt(8);
            for (int i = 0; i < len; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String id = s.toString();
            assertThat(IncidentIds.isValid(id)).as("'%s'", id).isEqualTo(SLUG.matcher(id).matches());
        }
    }
}
