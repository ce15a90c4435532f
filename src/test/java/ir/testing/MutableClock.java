package ir.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock a test sets, shared with threads (a receiver's receipt time, a store's commit time). */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MutableClock(String rfc3339) {
        now = new AtomicReference<>(Instant.parse(rfc3339));
    }

    public void set(String rfc3339) {
        now.set(Instant.parse(rfc3339));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
