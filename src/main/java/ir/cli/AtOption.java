package ir.cli;

import ir.model.Times;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code --at TIME}: when what a command records happened (a timeline entry, a severity or status change, a
 * milestone, a declaration, an action item), for the scribe who writes it down after the fact. Mixed into each such
 * command with {@code @Mixin AtOption at;}.
 */
public final class AtOption {
    @Option(names = "--at", paramLabel = "TIME", description = "When it happened (default: now). " + Times.FORMATS
            + ".")
    String at;

    /** The time given with {@code --at}, or now to the second when it was left out. */
    Instant instant(Clock clock) {
        return at == null ? clock.instant().truncatedTo(ChronoUnit.SECONDS) : Times.parse(at, clock, "--at");
    }
}
