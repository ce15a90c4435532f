package ir.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one command brings to the backend of a workspace: its clock, its environment (git's identity is resolved from
 * it, as git would), the identity it was told to use, where warnings go, how long it may wait for the workspace lock,
 * and the file mode creation mask of the caller (-1: this process's own).
 *
 * @param identityOverride {@code --as} or {@code IR_AUTHOR}, or null to use git's identity
 */
public record Session(Clock clock, Map<String, String> environment, String identityOverride, Consumer<String> warn,
                      Duration lockTimeout, int umask) {

    public Session {
        environment = Map.copyOf(environment);
    }

    /**
     * A session with an empty environment (so nothing of the caller's git config counts) and this process's umask,
     * for tools and tests that open a store directly.
     */
    public static Session of(Clock clock, String identityOverride, Duration lockTimeout) {
        return new Session(clock, Map.of(), identityOverride, w -> { }, lockTimeout, -1);
    }

    public String getenv(String name) {
        String v = environment.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
