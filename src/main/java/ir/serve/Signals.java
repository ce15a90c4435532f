package ir.serve;

/**
 * SIGTERM and SIGINT for a long-lived receiver: handled, so that a service manager's stop ({@code systemctl stop},
 * {@code docker stop}) finishes the batch under way and the process exits 0, instead of the JVM's default exit 143.
 * Uses the JDK's {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK and JRE build); where it is
 * missing, a shutdown hook does the same work and the exit status is the JVM's.
 */
public final class Signals {
    private Signals() {
    }

    /**
     * Calls {@code stop} on SIGTERM or SIGINT (on a thread of the JVM's). Returns a handle that puts the previous
     * handlers back.
     */
    public static Runnable onTerminate(Runnable stop, Runnable fallbackHook) {
        try {
            sun.misc.SignalHandler h = sig -> stop.run();
            sun.misc.SignalHandler term = sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
            sun.misc.SignalHandler intr = sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
            return () -> {
                sun.misc.Signal.handle(new sun.misc.Signal("TERM"), term);
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), intr);
            };
        } catch (LinkageError | IllegalArgumentException e) {
            Thread hook = new Thread(fallbackHook, "ir-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            return () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down
                }
            };
        }
    }
}
