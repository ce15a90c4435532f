package ir.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import ir.env.Inert;
import ir.model.ExitCode;
import ir.model.IrException;
import ir.store.AlertIntake;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@code ir serve}'s HTTP receiver: {@code POST /alerts/<format>} and {@code GET /healthz}, on the JDK's own HTTP
 * server (no dependency, and all a webhook receiver needs).
 *
 * <p>What a request goes through, in order, each refusal writing nothing: the path and method (404, 405); the bearer
 * token when one is configured (401); the body limit, by {@code Content-Length} and then by reading at most one byte
 * more than the limit (413); PagerDuty's signature when a secret is configured (401); {@link AlertIntake#check} (400).
 * Then the payload is journaled in the {@link Inbox} (appended to a segment with the payloads of concurrent requests,
 * forced to disk once for all of them) and only then answered 202 (503 when the journal cannot keep up or the disk
 * fails); recording it is the {@link Batcher}'s job, on its own thread, so no handler waits for git. Handlers run on a bounded pool; when it
 * is full, the server's own thread runs the request, which slows accepting instead of dropping anything.
 */
public final class Receiver implements AutoCloseable {
    /** The largest body accepted: alert payloads are a few KiB; Alertmanager's largest groups stay far below this. */
    public static final int MAX_BODY = 1024 * 1024;

    /**
     * How the receiver is set up.
     *
     * @param listen          the address to listen on (port 0 picks a free one)
     * @param token           the bearer token every alert must carry, or null (only on a loopback address)
     * @param pagerdutySecret the secret PagerDuty signs its webhooks with, or null to accept them unsigned
     * @param spacing         the least time between two batches of commits (one second)
     * @param threads         handler threads
     */
    public record Settings(InetSocketAddress listen, String token, String pagerdutySecret, Duration spacing,
                           int threads) {
        @Override
        public String toString() {
            return "Settings[listen=" + listen + ", token=" + (token == null ? "none" : "set") + ", pagerdutySecret="
                    + (pagerdutySecret == null ? "none" : "set") + ", spacing=" + spacing + ", threads=" + threads
                    + "]";
        }
    }

    private final Settings settings;
    private final AlertIntake intake;
    private final Inbox inbox;
    private final Batcher batcher;
    private final Pusher pusher;
    private final Clock clock;
    private final Consumer<String> log;
    private final HttpServer server;
    private final ThreadPoolExecutor handlers;
    private final int replayed;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopped;

    private Receiver(Settings settings, AlertIntake intake, Inbox inbox, Pusher pusher, Clock clock,
                     Consumer<String> log) throws IOException {
        this.settings = settings;
        this.intake = intake;
        this.inbox = inbox;
        this.pusher = pusher;
        this.clock = clock;
        this.log = log;
        this.batcher = new Batcher(intake, inbox, settings.spacing(), clock, log,
                pusher == null ? () -> { } : pusher::request);
        List<Inbox.Entry> leftovers = inbox.pending();
        leftovers.forEach(batcher::offer); // recorded first, in the order they were received
        this.replayed = leftovers.size();
        // The JDK's server writes a response's headers and body in two writes: with Nagle's algorithm on, the body
        // waits for the sender's delayed acknowledgement of the headers (40 ms on Linux), on every request. Read once,
        // when the first server of this JVM is made.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        this.server = HttpServer.create(settings.listen(), 256);
        AtomicInteger n = new AtomicInteger();
        this.handlers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "ir-serve-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /**
     * Opens the inbox under {@code stateDir} (one receiver per clone), queues what a previous run left in it, and
     * starts listening and recording.
     *
     * @param pusher what to call after commits (e.g. a sync to the remote), or null
     */
    public static Receiver start(Settings settings, Path stateDir, AlertIntake intake, Pusher pusher, Clock clock,
                                 Consumer<String> log) {
        Inbox inbox = Inbox.open(stateDir, log);
        Receiver r;
        try {
            r = new Receiver(settings, intake, inbox, pusher, clock, log);
        } catch (BindException e) {
            inbox.close();
            throw new IrException(ExitCode.FAILURE, "cannot listen on " + shown(settings.listen()) + ": "
                    + e.getMessage() + " (is another program using that port? choose one with --listen)");
        } catch (IOException | RuntimeException e) {
            inbox.close();
            throw new IrException(ExitCode.FAILURE, "cannot listen on " + shown(settings.listen()) + ": "
                    + e.getMessage(), e);
        }
        r.warmUp();
        r.batcher.start();
        r.inbox.start(r.batcher::offer); // the journal's writer hands on each payload once it is on disk
        if (pusher != null) {
            pusher.start();
        }
        r.server.start();
        return r;
    }

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    /** A small payload of each format, checked before listening (see {@link #warmUp}). */
    static final Map<String, String> SAMPLES = Map.of(
            "alertmanager", "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"WarmUp\\\"}\",\"status\":\"firing\","
                    + "\"receiver\":\"ir\",\"groupLabels\":{\"alertname\":\"WarmUp\"},\"commonLabels\":{},"
                    + "\"commonAnnotations\":{},\"externalURL\":\"\",\"truncatedAlerts\":0,\"alerts\":[{\"status\":"
                    + "\"firing\",\"labels\":{\"alertname\":\"WarmUp\"},\"annotations\":{\"summary\":\"s\"},"
                    + "\"startsAt\":\"2025-05-01T11:52:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"\","
                    + "\"fingerprint\":\"0\"}]}",
            "grafana", "{\"receiver\":\"ir\",\"status\":\"firing\",\"orgId\":1,\"groupKey\":\"warm-up\",\"title\":"
                    + "\"t\",\"state\":\"alerting\",\"message\":\"m\",\"alerts\":[{\"status\":\"firing\",\"labels\":"
                    + "{\"alertname\":\"WarmUp\"},\"startsAt\":\"2025-05-01T11:52:00Z\",\"fingerprint\":\"0\"}]}",
            "pagerduty", "{\"event\":{\"id\":\"e\",\"event_type\":\"incident.triggered\",\"resource_type\":"
                    + "\"incident\",\"occurred_at\":\"2025-05-01T11:52:00Z\",\"data\":{\"id\":\"PWARMUP\",\"type\":"
                    + "\"incident\",\"title\":\"t\",\"urgency\":\"high\"}}}",
            "json", "{\"group\":\"warm-up\",\"title\":\"t\",\"status\":\"firing\",\"labels\":{\"severity\":"
                    + "\"critical\"},\"starts_at\":\"2025-05-01T11:52:00Z\"}");

    /**
     * Checks a small payload of each format before listening ({@link AlertIntake#check} writes nothing), so that the
     * parsers and the routing rules are loaded once now instead of by the first requests of a storm, each of which
     * would wait for them (~150 ms). Whatever it throws is ignored: the requests will say it.
     */
    private void warmUp() {
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, String> s : SAMPLES.entrySet()) {
                try {
                    intake.check(new AlertIntake.Payload(s.getKey(), s.getValue().getBytes(StandardCharsets.UTF_8),
                            clock.instant()));
                } catch (RuntimeException e) {
                    // a sample the rules refuse is as good for loading the classes
                }
            }
        }
    }

    /** Where the receiver listens (with the port chosen, when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** How many payloads a previous run left in the inbox (queued first). */
    public int replayed() {
        return replayed;
    }

    /** Payloads acknowledged and not yet recorded. */
    public int queued() {
        return batcher.queued();
    }

    /** Batches that changed the repository since the start. */
    public long batchesCommitted() {
        return batcher.batchesCommitted();
    }

    /** Asks {@link #awaitStopRequest} to return (from a signal handler). */
    public void requestStop() {
        stopRequested.countDown();
    }

    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * Stops accepting, lets requests being handled finish, records everything acknowledged (waiting at most
     * {@code max} for it), then lets the last push finish. Returns false when payloads were left in the inbox.
     */
    public synchronized boolean stop(Duration max) {
        if (stopped) {
            return true;
        }
        stopped = true;
        requestStop();
        server.stop(0);
        handlers.shutdown();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inbox.stopWriting(Duration.ofSeconds(10)); // what handlers queued reaches the batcher first
        boolean all = batcher.stop(max);
        if (pusher != null) {
            pusher.stop(Duration.ofSeconds(10));
        }
        inbox.close();
        return all;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    // ---- requests

    private void handle(HttpExchange ex) {
        long start = System.nanoTime();
        int status;
        try {
            status = respond(ex);
        } catch (IOException | RuntimeException e) {
            status = 500;
            try {
                send(ex, 500, error("internal error"));
            } catch (IOException | RuntimeException ignored) {
                // the connection is gone
            }
            log.accept("serve: internal error: " + e);
        } finally {
            ex.close();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        log.accept(Inert.text(ex.getRequestMethod() + " " + shownPath(ex) + " " + status + " " + ms + "ms"));
    }

    private int respond(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        if (path.equals("/healthz")) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                return send(ex, 405, error("use GET"));
            }
            return health(ex);
        }
        String format = path.startsWith("/alerts/") ? path.substring("/alerts/".length()) : null;
        if (format == null || !AlertIntake.FORMATS.contains(format)) {
            return send(ex, 404, error("not found: POST /alerts/{alertmanager|grafana|pagerduty|json}"));
        }
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            return send(ex, 405, error("use POST"));
        }
        if (settings.token() != null
                && !Auth.bearer(ex.getRequestHeaders().getFirst("Authorization"), settings.token())) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            return refuse(ex, 401, "missing or wrong bearer token");
        }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && tooLong(length)) {
            return refuse(ex, 413, "body over " + MAX_BODY + " bytes");
        }
        byte[] body;
        InputStream in = ex.getRequestBody();
        body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            return refuse(ex, 413, "body over " + MAX_BODY + " bytes");
        }
        if (format.equals("pagerduty") && settings.pagerdutySecret() != null && !Auth.pagerDutySignature(
                ex.getRequestHeaders().getFirst("X-PagerDuty-Signature"), body, settings.pagerdutySecret())) {
            return refuse(ex, 401, "missing or wrong X-PagerDuty-Signature");
        }
        AlertIntake.Payload payload = new AlertIntake.Payload(format, body, clock.instant());
        try {
            intake.check(payload);
        } catch (IrException e) {
            return send(ex, 400, error(e.getMessage()));
        }
        try {
            inbox.write(payload); // returns once on disk; the journal's writer has handed it to the batcher
        } catch (Inbox.Full e) {
            ex.getResponseHeaders().set("Retry-After", "1");
            return send(ex, 503, error("too many payloads waiting for the disk; try again"));
        } catch (IOException | RuntimeException e) {
            log.accept("serve: cannot journal a payload, answered 503: " + e.getMessage());
            return send(ex, 503, error("cannot journal the payload; try again"));
        }
        return send(ex, 202, "{\"status\":\"accepted\"}\n");
    }

    /** Bytes of a refused body read and dropped, so that the sender is still reading when the answer comes. */
    static final int DRAIN = 8 * MAX_BODY;

    /**
     * Refuses a request without keeping any of its body: what is left of it (up to {@link #DRAIN} bytes) is read and
     * dropped first, since a sender still writing when the server answers and closes would see its connection reset
     * instead of the status. The connection is closed after.
     */
    private static int refuse(HttpExchange ex, int status, String message) throws IOException {
        InputStream in = ex.getRequestBody();
        byte[] sink = new byte[64 * 1024];
        long left = DRAIN;
        for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
            left -= n;
        }
        ex.getResponseHeaders().set("Connection", "close");
        return send(ex, status, error(message));
    }

    private static boolean tooLong(String length) {
        try {
            return Long.parseLong(length.strip()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return false; // the server itself refuses a malformed length
        }
    }

    private int health(HttpExchange ex) throws IOException {
        String error = batcher.lastError();
        Instant last = batcher.lastCommit();
        StringBuilder b = new StringBuilder("{\"ok\":").append(error == null)
                .append(",\"queued\":").append(batcher.queued())
                .append(",\"last_commit\":").append(last == null ? "null" : quote(last.toString()));
        if (error != null) {
            b.append(",\"error\":").append(quote(error));
        }
        if (pusher != null && pusher.lastError() != null) {
            b.append(",\"push_error\":").append(quote(pusher.lastError()));
        }
        b.append("}\n");
        int status = error == null ? 200 : 503;
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, -1);
            return status;
        }
        return send(ex, status, b.toString());
    }

    private static int send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        return status;
    }

    private static String error(String message) {
        return "{\"error\":" + quote(message) + "}\n";
    }

    /** A JSON string: quotes, backslashes and every control character escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Inert.unsafe(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** The request path as logged: never the query (where a careless sender may put a secret), at most 200 chars. */
    private static String shownPath(HttpExchange ex) {
        String p = ex.getRequestURI().getRawPath();
        if (p == null) {
            return "?";
        }
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }

    static String shown(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
