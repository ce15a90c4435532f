package ir.store;

import java.io.IOException;
import java.net.InetAddress;

/** Resolves who a session acts as: {@code --as} or {@code IR_AUTHOR}, else git's identity, else a fallback. */
final class Identities {
    private Identities() {
    }

    static Identity resolve(Backend backend, Session session) {
        String override = session.identityOverride();
        if (override != null && !override.isBlank()) {
            return Identity.of(override.trim());
        }
        String[] configured = backend.git().configuredIdentity();
        if (configured != null) {
            String name = configured[0] == null ? configured[1] : configured[0];
            return Identity.of(Identity.format(name, configured[1]));
        }
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        String fallback = user + " <" + user + "@" + host + ">";
        session.warn().accept("no identity configured: logging as " + fallback + " (set git's user.name and "
                + "user.email, IR_AUTHOR or --as \"Name <email>\")");
        return Identity.of(fallback);
    }
}
