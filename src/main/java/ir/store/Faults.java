package ir.store;

import java.io.IOException;

/**
 * Named points in {@link Transaction} where the tests of its contract make ir crash or fail: with the system property
 * {@code ir.test.fault=STEP:crash} the process halts at that step as a kill would (no cleanup runs), and with
 * {@code STEP:fail} the step fails as a full disk would. Unset, as always outside those tests, it costs one property
 * lookup per step.
 */
final class Faults {
    /** After the commit's objects are written, before git's index is locked. */
    static final String OBJECTS = "objects";
    /** After git's index is locked, before the journal records it. */
    static final String LOCKED = "locked";
    /** After the journal is written, before the branch moves. */
    static final String JOURNALED = "journaled";
    /** After the branch moved, before the work tree and index are written. */
    static final String MOVED = "moved";
    /** After the work-tree files are written, before git's index is. */
    static final String FILES = "files";

    /** Outbox: after a message is marked as being sent, before it is posted. */
    static final String SENDING = "sending";
    /** Outbox: after the service accepted a message, before the outbox records it. */
    static final String SENT = "sent";

    private Faults() {
    }

    static void at(String step) throws IOException {
        String fault = System.getProperty("ir.test.fault");
        if (fault == null || !fault.startsWith(step + ":")) {
            return;
        }
        if (fault.endsWith(":crash")) {
            Runtime.getRuntime().halt(137);
        }
        throw new IOException("injected failure at " + step + " (ir.test.fault)");
    }
}
