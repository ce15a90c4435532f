package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Times#short_} formats UTC by hand for speed; it must print what the formatter printed. */
class TimesShortTest {
    static final DateTimeFormatter F = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    @Test
    void printsTheSameAsTheFormatter() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
        Random random = new Random(7);
        long from = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int n = 0; n < 20_000; n++) {
            Instant at = Instant.ofEpochSecond(from + (long) (random.nextDouble() * (to - from)), random.nextInt(1000));
            assertThat(Times.short_(at, clock, false)).isEqualTo(F.format(at.atOffset(ZoneOffset.UTC)) + "Z");
        }
        Instant edge = Instant.parse("2026-01-01T00:00:59.999Z");
        assertThat(Times.short_(edge, clock, false)).isEqualTo("2026-01-01 00:00Z");
        assertThat(Times.short_(null, clock, false)).isEmpty();
    }
}
