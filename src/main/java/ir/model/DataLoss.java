package ir.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The window of data that was lost ({@code data_loss} in the incident file), recorded apart from the impact windows:
 * an outage may lose no data, and a short failover may lose minutes of writes made long before anyone noticed.
 * {@code to} is null while the end is not known.
 */
public record DataLoss(Instant from, Instant to, String note) {
    public DataLoss {
        Objects.requireNonNull(from, "from");
        note = note == null || note.isBlank() ? null : note.strip();
    }

    /** For messages and merge events: {@code 2018-10-21T22:52:00Z..2018-10-21T23:14:00Z: writes to us-east}. */
    public String show() {
        return Times.format(from) + ".." + (to == null ? "unknown" : Times.format(to)) + (note == null ? ""
                : ": " + note.strip().replaceAll("\\s*\\R\\s*", " "));
    }
}
