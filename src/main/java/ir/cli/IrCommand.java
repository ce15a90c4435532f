package ir.cli;

import ir.env.Env;
import ir.model.Change;
import ir.model.ClosedIncidents;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Person;
import ir.store.Session;
import ir.store.IncidentStore;
import ir.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Base of every subcommand: gives it the environment, the global options and a store opened on first use (and
 * closed after the command), and maps its result to an exit code. Subclasses implement {@link #run()}.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true, showDefaultValues = false)
public abstract class IrCommand implements Callable<Integer> {
    /** Default seconds to wait for another ir process; long enough for a burst of 20 at once on two cores. */
    static final int DEFAULT_LOCK_TIMEOUT = 20;

    @Spec
    protected CommandSpec spec;

    private IncidentStore store;

    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } finally {
            if (store != null && reportsSync()) {
                reportSyncProblem();
            }
            if (store != null) {
                commandDone();
                deliver();
                store.close();
                store = null;
            }
        }
    }

    /** The longest a command waits for the outbox's delivery before it returns; the rest is sent later. */
    static final java.time.Duration DELIVERY_WAIT = java.time.Duration.ofSeconds(1);

    /** Sends this clone's due notifications (see ir notify); a problem with them never fails the command. */
    private void deliver() {
        try {
            store.deliver(DELIVERY_WAIT);
        } catch (RuntimeException e) {
            warn("notifications not sent: " + e.getMessage() + " (see 'ir notify')");
        }
    }

    /** Tells the store the command is done (auto-sync's last use and push); never fails the command. */
    private void commandDone() {
        try {
            store.commandDone();
        } catch (RuntimeException e) {
            // auto-sync is best effort: the command's work is committed
        }
    }

    /** Whether this command says auto-sync's problem to the person (the detached engine process does not). */
    protected boolean reportsSync() {
        return true;
    }

    /** Auto-sync's problem (a merge or push that needs a person), said once, on the first command after it. */
    private void reportSyncProblem() {
        try {
            String problem = store.takeSyncReport();
            if (problem != null) {
                warn(problem);
            }
        } catch (RuntimeException e) {
            // said next time
        }
    }

    /**
     * How current this clone's view is, for the commands that show it; null for a workspace without a remote (its
     * output stays as it always was) or when it cannot be told.
     */
    protected ir.model.Freshness freshness() {
        try {
            ir.model.Freshness f = store().freshness();
            return f.shared() ? f : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Does the work; returns the exit code (0 on success). Errors are thrown as {@link ir.model.IrException}. */
    protected abstract int run() throws Exception;

    protected RootCommand root() {
        return (RootCommand) spec.root().userObject();
    }

    protected Env env() {
        return root().env;
    }

    protected PrintWriter out() {
        return env().out();
    }

    protected Clock clock() {
        return env().clock();
    }

    /** A message for the person (stderr), never mixed with data. */
    protected void info(String message) {
        env().err().println(message);
    }

    /** A warning (stderr), on one line: a value it quotes cannot start a line that looks like ir's own. */
    protected void warn(String message) {
        env().err().println("ir: warning: " + Cli.oneLine(message));
    }

    protected boolean canPrompt() {
        return env().interactive() && !root().noInput;
    }

    protected IncidentStore store() {
        if (store == null) {
            store = env().backends().open(workspace(), session());
        }
        return store;
    }

    /** The workspace this command works in: {@code -C}, else {@code IR_DIR}, else the nearest one above. */
    protected Workspace workspace() {
        Env env = env();
        return Workspace.discover(env.cwd(), root().directory, env.getenv("IR_DIR"));
    }

    /** What this command brings to the backend: clock, environment, identity, warnings, lock wait, umask. */
    protected Session session() {
        Env env = env();
        return new Session(env.clock(), env.environment(), identityOverride(), this::warn, lockTimeout(), env.umask());
    }

    protected IrConfig config() {
        return store().config();
    }

    /**
     * One change of one incident, one commit ({@link IncidentStore#update}), through the rule for closed incidents
     * ({@link ClosedIncidents}): refused without {@code --force} where it needs it, and a warning once committed.
     */
    protected Incident update(String id, Function<Incident, Change> change) {
        String[] warning = new String[1];
        Incident next = store().update(id, i -> {
            Change c = change.apply(i);
            warning[0] = ClosedIncidents.check(i, c, config(), forced());
            return c;
        });
        if (warning[0] != null) {
            warn(warning[0]);
        }
        return next;
    }

    /** Whether this command has a {@code --force} option ({@link ForceOption}) and it was given. */
    protected boolean forced() {
        OptionSpec force = spec.findOption("--force");
        return force != null && Boolean.TRUE.equals(force.getValue());
    }

    /**
     * {@code --as}, else {@code IR_AUTHOR}, checked: null when neither is given (git's identity is used). A plain name
     * or bare address is accepted (the store warns once per clone, see {@link Person#informal}); a broken
     * {@code Name <email>} is refused.
     */
    protected String identityOverride() {
        String as = root().as;
        String value = as != null ? as : env().getenv("IR_AUTHOR");
        String problem = value == null ? null : Person.problem(value);
        if (problem != null && !Person.informal(value)) {
            String shown = Text.forTerminal(value);
            throw IrException.usage(as != null
                    ? "--as \"" + shown + "\" " + problem + ": give it as --as \"Name <email>\", e.g. "
                    + "--as \"Alice Smith <alice@example.com>\""
                    : "IR_AUTHOR \"" + shown + "\" " + problem + ": set it as IR_AUTHOR=\"Name <email>\", e.g. "
                    + "IR_AUTHOR=\"Alice Smith <alice@example.com>\"");
        }
        return value;
    }

    /** The longest wait {@code IR_LOCK_TIMEOUT} may ask for: a day; longer is a typo, not a wish. */
    static final long MAX_LOCK_TIMEOUT = 86_400;

    protected Duration lockTimeout() {
        String v = env().getenv("IR_LOCK_TIMEOUT");
        if (v == null) {
            return Duration.ofSeconds(DEFAULT_LOCK_TIMEOUT);
        }
        String t = v.trim();
        if (!t.matches("[0-9]{1,12}") || Long.parseLong(t) > MAX_LOCK_TIMEOUT) {
            throw IrException.usage("IR_LOCK_TIMEOUT must be a whole number of seconds from 0 to " + MAX_LOCK_TIMEOUT
                    + ", not '" + Text.forTerminal(v) + "'");
        }
        return Duration.ofSeconds(Long.parseLong(t));
    }
}
