package ir.cli;

import ir.model.ExitCode;
import ir.model.IrException;
import ir.serve.Pusher;
import ir.serve.Receiver;
import ir.serve.Signals;
import ir.store.AlertIntake;
import ir.store.Backends;
import ir.store.IncidentStore;
import ir.store.Session;
import ir.store.SyncResult;
import ir.store.UserConfig;
import ir.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/** {@code ir serve}: receives alerts over HTTP and records them as {@code ir ingest} would. */
@Command(name = "serve", description = {"Receive alerts over HTTP (Alertmanager, Grafana, PagerDuty, generic JSON) "
        + "and record them in this clone.",
        "Endpoints: POST /alerts/alertmanager, /alerts/grafana, /alerts/pagerduty and /alerts/json, and GET /healthz. "
                + "A payload is answered 202 only once it is journaled under .git/ir/inbox, so nothing acknowledged "
                + "is lost: after a crash the next 'ir serve' records what it finds there first. Payloads are "
                + "committed in batches, at most one commit per incident per second.",
        "Listening beyond this machine (e.g. --listen 0.0.0.0:9095) needs a bearer token: IR_SERVE_TOKEN, "
                + "--token-file, or serve.token in ~/.config/ir/config.yaml (which only you may read). Set "
                + "IR_PAGERDUTY_SECRET (or serve.pagerduty_secret) to verify PagerDuty's webhook signatures. "
                + "Secrets are never read from ir.yaml. Bodies over 1 MiB are refused.",
        "SIGTERM (or Ctrl-C) stops accepting, records what was received, and exits 0."},
        footer = {"", "Examples:", "  ir serve", "  IR_SERVE_TOKEN=$(cat ~/.ir-token) ir serve --listen 0.0.0.0:9095 "
                + "--push", "  curl -H 'Authorization: Bearer ...' --data @alert.json "
                + "http://127.0.0.1:9095/alerts/json"})
public final class ServeCommand extends IrCommand {
    static final String DEFAULT_LISTEN = "127.0.0.1:9095";
    static final int THREADS = 16;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "Where to listen (default: "
            + DEFAULT_LISTEN + "; [::1]:PORT for IPv6).")
    String listen;

    @Option(names = "--push", description = "After commits, sync with the remote ('ir sync'), retrying with "
            + "back-off when it fails; receiving never waits for it.")
    boolean push;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the bearer token from FILE (which "
            + "only you may read) instead of IR_SERVE_TOKEN or the config file.")
    Path tokenFile;

    /**
     * The intake payloads are recorded through, from the store of the workspace. The one place the receiver is wired
     * to the intake ({@link #intakeFor}); tests give their own.
     */
    Function<IncidentStore, AlertIntake> intakes = ServeCommand::intakeFor;

    /** The workspace's alert intake, the one {@code ir ingest} records through. */
    static AlertIntake intakeFor(IncidentStore store) {
        return store.intake();
    }

    @Override
    protected int run() throws Exception {
        InetSocketAddress address = address(listen == null ? DEFAULT_LISTEN : listen);
        UserConfig.ServeSecrets secrets = UserConfig.serveSecrets(env().environment());
        String token = tokenFile != null ? UserConfig.secretFile(env().cwd().resolve(tokenFile), "bearer token")
                : secrets.token();
        if (token == null && !address.getAddress().isLoopbackAddress()) {
            throw IrException.usage("listening on " + shown(address) + " lets other machines post alerts, so it "
                    + "needs a bearer token: set IR_SERVE_TOKEN, give --token-file FILE, or put serve.token in "
                    + UserConfig.file(env().environment()) + " (or listen on 127.0.0.1)");
        }
        try (Backends kept = Backends.kept(); IncidentStore store = kept.open(workspace(), session())) {
            AlertIntake intake = intakes.apply(store);
            String mergeDriver = SyncCommand.mergeDriver(env());
            Pusher pusher = push ? new Pusher(() -> sync(store.workspace(), session(), mergeDriver), this::warn)
                    : null;
            Object logLock = new Object();
            Receiver receiver = Receiver.start(new Receiver.Settings(address, token, secrets.pagerdutySecret(),
                    Duration.ofSeconds(1), THREADS), store.workspace().stateDir(), intake, pusher, clock(), line -> {
                        synchronized (logLock) {
                            env().err().println(line);
                            env().err().flush();
                        }
                    });
            Runnable restore = Signals.onTerminate(receiver::requestStop, () -> receiver.stop(Duration.ofSeconds(30)));
            try {
                info("ir serve: listening on http://" + shown(receiver.address()) + " for "
                        + store.workspace().root() + (token == null ? "" : " (bearer token required)")
                        + (secrets.pagerdutySecret() == null ? "" : " (PagerDuty signatures verified)")
                        + (receiver.replayed() == 0 ? "" : "; recording " + receiver.replayed()
                        + " payloads left in the inbox first"));
                env().err().flush();
                receiver.awaitStopRequest();
                info("ir serve: stopping: recording what was received");
                env().err().flush();
                if (!receiver.stop(Duration.ofSeconds(60))) {
                    warn("some payloads are not recorded yet: they stay in .git/ir/inbox and are recorded at the "
                            + "next 'ir serve'");
                }
            } finally {
                receiver.stop(Duration.ofSeconds(30));
                restore.run();
            }
        }
        return 0;
    }

    /**
     * One sync for {@code --push}, on a store of its own (the push thread never shares the recording thread's
     * store); the workspace lock keeps the two apart while the branch moves, never during network I/O.
     */
    static String sync(Workspace workspace, Session session, String mergeDriver) {
        try (IncidentStore own = Backends.oneShot().open(workspace, session)) {
            SyncResult r = own.sync(null, SyncCommand.postmortemHook(own), mergeDriver);
            return r.pushed() ? "pushed to " + r.remote() : "in sync with " + r.remote();
        }
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}, resolved now: a name that does not resolve is a usage error. */
    static InetSocketAddress address(String value) {
        String v = value.strip();
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? "" : v.substring(0, colon);
        String port = colon < 0 ? "" : v.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            host = "";
        }
        if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
            throw IrException.usage("--listen '" + Text.forTerminal(value) + "' is not ADDR:PORT: give e.g. "
                    + DEFAULT_LISTEN + ", 0.0.0.0:9095 or [::1]:9095");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port));
        } catch (UnknownHostException e) {
            throw IrException.usage("--listen: unknown host '" + Text.forTerminal(host) + "'");
        }
    }

    private static String shown(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
