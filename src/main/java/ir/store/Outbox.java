package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.Channel;
import ir.model.IrException;
import ir.model.Messages;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A clone's outbox, {@code .git/ir/outbox/}: one JSON file per message (event id + channel), never committed. A
 * message is written {@code staged} before the commit of the event that caused it, and {@code queued} once that
 * commit is made ({@link Transaction}); a crash in between leaves it staged, and {@link #reconcile} queues it when the
 * event is in the incident, or removes it when the commit was never made. So a recorded event's messages cannot be
 * lost, and an event that was not recorded sends nothing.
 *
 * <p>Delivery ({@link #deliver}) runs under a lock of its own (one deliverer per clone at a time): each message is
 * marked {@code sending} before it is posted and {@code delivered} with the service's answer after, so a message is
 * sent twice only when a process dies between the service's acceptance and that record. A 429, a 5xx or no answer is
 * tried again with exponential back-off; any other refusal is {@code failed}, reported, and sent again only by
 * {@code ir notify retry}.
 */
final class Outbox {
    static final String STAGED = "staged";
    static final String QUEUED = "queued";
    static final String SENDING = "sending";
    static final String DELIVERED = "delivered";
    static final String FAILED = "failed";
    /** Where PagerDuty's Events API v2 takes events when the user's config names no URL. */
    static final String PAGERDUTY_EVENTS = "https://events.pagerduty.com/v2/enqueue";
    /** The first retry waits this long; each later one twice as long, up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** Delivered messages are kept this long (so {@code ir notify} shows them), then removed. */
    static final Duration KEEP_DELIVERED = Duration.ofDays(30);

    /** Outboxes being delivered by a thread of this process: the file lock cannot tell two threads apart. */
    private static final Set<Path> DELIVERING = ConcurrentHashMap.newKeySet();

    private final Path dir;

    Outbox(Path stateDir) {
        this.dir = stateDir.resolve("outbox");
    }

    Path dir() {
        return dir;
    }

    /** A message to queue with the event that causes it. */
    record Pending(String incident, String eventId, String eventType, String channel, String kind,
                   Map<String, Object> body) {
        String key() {
            return Outbox.key(eventId, channel);
        }
    }

    /** A message's key and file name: the event id and the channel name (both letters, digits, '-' and '_'). */
    static String key(String eventId, String channel) {
        return eventId.replaceAll("[^A-Za-z0-9_-]", "_") + "." + channel;
    }

    private Path file(String key) {
        return dir.resolve(key + ".json");
    }

    /**
     * Writes {@code messages} as staged, before the event's commit; a message already in the outbox (same event,
     * same channel) is left as it is. Returns the keys written.
     */
    List<String> stage(List<Pending> messages, Instant now) {
        List<String> keys = new ArrayList<>();
        for (Pending p : messages) {
            Path f = file(p.key());
            if (Files.exists(f)) {
                continue;
            }
            ObjectNode o = YamlCodec.newObject();
            o.put("key", p.key());
            o.put("incident", p.incident());
            o.put("event", p.eventId());
            o.put("event_type", p.eventType());
            o.put("channel", p.channel());
            o.put("kind", p.kind());
            o.put("state", STAGED);
            o.put("pid", ProcessHandle.current().pid());
            o.put("created_at", now.toString());
            o.put("attempts", 0);
            o.set("body", JsonOutput.toNode(p.body()));
            write(f, o);
            keys.add(p.key());
        }
        return keys;
    }

    /** The event's commit is made: its staged messages may be sent. */
    void queue(List<String> keys) {
        for (String k : keys) {
            ObjectNode o = read(file(k));
            if (o != null && STAGED.equals(o.path("state").asText())) {
                o.put("state", QUEUED);
                o.remove("pid");
                write(file(k), o);
            }
        }
    }

    /** The event's commit was not made: its staged messages go. */
    void unstage(List<String> keys) {
        for (String k : keys) {
            try {
                Files.deleteIfExists(file(k));
            } catch (IOException e) {
                // left staged: reconcile() removes it, as the event is not in the incident
            }
        }
    }

    /** Whether staged messages of a process that is gone wait for {@link #reconcile}. */
    boolean hasOrphans() {
        return entries().stream().anyMatch(this::orphan);
    }

    private boolean orphan(ObjectNode o) {
        if (!STAGED.equals(o.path("state").asText())) {
            return false;
        }
        long pid = o.path("pid").asLong(-1);
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    /**
     * Finishes what a process killed in a transaction left staged: queued when its event is in the incident (the
     * commit was made), removed when not. The caller holds the workspace lock, after recovery.
     */
    void reconcile(Predicate<ObjectNode> recorded) {
        for (ObjectNode o : entries()) {
            if (!orphan(o)) {
                continue;
            }
            String k = o.path("key").asText();
            if (recorded.test(o)) {
                queue(List.of(k));
            } else {
                unstage(List.of(k));
            }
        }
    }

    /** Every message, oldest first. */
    List<OutboxMessage> list() {
        return entries().stream().filter(o -> !STAGED.equals(o.path("state").asText())).map(Outbox::view).toList();
    }

    /** Makes failed and waiting messages (all, or those whose key or incident is {@code which}) due now. */
    int retry(String which, Instant now) {
        int n = 0;
        for (ObjectNode o : entries()) {
            String state = o.path("state").asText();
            if ((FAILED.equals(state) || QUEUED.equals(state)) && matches(o, which)) {
                o.put("state", QUEUED);
                o.put("next_attempt_at", now.toString());
                write(file(o.path("key").asText()), o);
                n++;
            }
        }
        return n;
    }

    /** Removes undelivered messages (all, or those whose key or incident is {@code which}): they will not be sent. */
    int drop(String which) {
        int n = 0;
        for (ObjectNode o : entries()) {
            String state = o.path("state").asText();
            if ((FAILED.equals(state) || QUEUED.equals(state) || SENDING.equals(state)) && matches(o, which)) {
                unstage(List.of(o.path("key").asText()));
                n++;
            }
        }
        return n;
    }

    private static boolean matches(ObjectNode o, String which) {
        return which == null || which.equals(o.path("key").asText()) || which.equals(o.path("incident").asText());
    }

    /** What one delivery run did: the messages sent, and those refused or still waiting, as one line each. */
    record Report(int delivered, List<String> refused, List<String> waiting) {
    }

    /**
     * Sends every due message, one after another, unless another deliverer of this clone is at work (then returns at
     * once). {@code environment} gives the endpoints (the user's config, {@code IR_CHANNEL_*}).
     */
    Report deliver(Map<String, String> environment, Clock clock, HttpClient http, Duration timeout) {
        if (!Files.isDirectory(dir) || !DELIVERING.add(dir)) {
            return new Report(0, List.of(), List.of());
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
            if (lock == null) {
                return new Report(0, List.of(), List.of());
            }
            return deliverLocked(environment, clock, http, timeout);
        } catch (IOException e) {
            return new Report(0, List.of(), List.of("delivery stopped: " + e.getMessage()));
        } finally {
            DELIVERING.remove(dir);
        }
    }

    private Report deliverLocked(Map<String, String> environment, Clock clock, HttpClient http, Duration timeout)
            throws IOException {
        int delivered = 0;
        List<String> refused = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (ObjectNode o : entries()) {
            String state = o.path("state").asText();
            Instant now = clock.instant();
            String key = o.path("key").asText();
            if (DELIVERED.equals(state)) {
                Instant at = instant(o, "delivered_at");
                if (at != null && at.plus(KEEP_DELIVERED).isBefore(now)) {
                    unstage(List.of(key));
                }
                continue;
            }
            // SENDING found under the lock: its deliverer died mid-request, so the message may have been accepted
            // or not; it is sent again (the one case where a service may see it twice).
            if (!QUEUED.equals(state) && !SENDING.equals(state)) {
                continue;
            }
            Instant next = instant(o, "next_attempt_at");
            if (QUEUED.equals(state) && next != null && next.isAfter(now)) {
                continue;
            }
            String channel = o.path("channel").asText();
            String kind = o.path("kind").asText();
            String url;
            ObjectNode body = (ObjectNode) o.path("body").deepCopy();
            try {
                UserConfig.Endpoint ep = UserConfig.channel(environment, channel);
                if (Channel.Kind.PAGERDUTY.label().equals(kind)) {
                    if (ep.routingKey() == null) {
                        throw IrException.usage("no routing key for channel '" + channel + "'");
                    }
                    body.put("routing_key", ep.routingKey());
                    url = ep.url() != null ? ep.url() : PAGERDUTY_EVENTS;
                } else {
                    if (ep.url() == null) {
                        throw IrException.usage("no URL for channel '" + channel + "'");
                    }
                    url = ep.url();
                    if (Channel.Kind.GOOGLE_CHAT.label().equals(kind)) {
                        url += (url.contains("?") ? "&" : "?") + Messages.GOOGLE_CHAT_REPLY;
                    }
                }
            } catch (IrException e) {
                retryLater(o, now, e.getMessage() + ": set it in your own config or " + Channel.envPrefix(channel)
                        + "URL", null, null);
                waiting.add(line(o));
                continue;
            }
            int attempts = o.path("attempts").asInt(0) + 1;
            o.put("state", SENDING);
            o.put("attempts", attempts);
            o.put("last_attempt_at", now.toString());
            write(file(key), o);
            Faults.at(Faults.SENDING);
            int status;
            String answer;
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "ir")
                        .POST(HttpRequest.BodyPublishers.ofString(YamlCodec.get().writeCompactJson(body),
                                StandardCharsets.UTF_8))
                        .build();
                HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                status = res.statusCode();
                answer = res.body();
            } catch (IOException | IllegalArgumentException e) {
                retryLater(o, now, "no answer: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()), null, null);
                waiting.add(line(o));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Report(delivered, refused, waiting); // left SENDING: sent again next time
            }
            Faults.at(Faults.SENT);
            answer = answer == null ? "" : answer.length() > 500 ? answer.substring(0, 500) : answer;
            if (status >= 200 && status < 300) {
                o.put("state", DELIVERED);
                o.put("status", status);
                o.put("answer", answer);
                o.put("delivered_at", clock.instant().toString());
                o.remove("next_attempt_at");
                o.remove("last_error");
                write(file(key), o);
                delivered++;
            } else if (status == 429 || status >= 500) {
                retryLater(o, now, "HTTP " + status + oneLine(answer), status, answer);
                waiting.add(line(o));
            } else {
                o.put("state", FAILED);
                o.put("status", status);
                o.put("answer", answer);
                o.put("last_error", "HTTP " + status + oneLine(answer));
                o.remove("next_attempt_at");
                write(file(key), o);
                refused.add(line(o));
            }
        }
        return new Report(delivered, refused, waiting);
    }

    private void retryLater(ObjectNode o, Instant now, String error, Integer status, String answer) {
        int attempts = Math.max(1, o.path("attempts").asInt(0));
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempts - 1, 20));
        if (wait.compareTo(MAX_BACKOFF) > 0) {
            wait = MAX_BACKOFF;
        }
        o.put("state", QUEUED);
        o.put("next_attempt_at", now.plus(wait).toString());
        o.put("last_error", error);
        if (status != null) {
            o.put("status", status);
            o.put("answer", answer);
        }
        write(file(o.path("key").asText()), o);
    }

    private static String line(ObjectNode o) {
        return o.path("kind").asText() + " channel '" + o.path("channel").asText() + "', " + o.path("incident")
                .asText() + " " + o.path("event_type").asText() + ": " + o.path("last_error").asText("");
    }

    private static String oneLine(String answer) {
        String s = answer == null ? "" : answer.strip().replaceAll("\\s+", " ");
        return s.isEmpty() ? "" : " " + (s.length() > 120 ? s.substring(0, 120) + "…" : s);
    }

    private List<ObjectNode> entries() {
        List<ObjectNode> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                ObjectNode o = read(p);
                if (o != null) {
                    out.add(o);
                }
            }
        } catch (IOException e) {
            throw new IrException(ir.model.ExitCode.FAILURE, "cannot read " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing((ObjectNode o) -> o.path("created_at").asText())
                .thenComparing(o -> o.path("key").asText()));
        return out;
    }

    private static ObjectNode read(Path p) {
        try {
            byte[] bytes = Files.readAllBytes(p);
            return YamlCodec.get().readObject(bytes, p.toString());
        } catch (IOException | IrException e) {
            return null;
        }
    }

    private static void write(Path f, ObjectNode o) {
        try {
            AtomicFiles.write(f, YamlCodec.get().writeJson(o).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IrException(ir.model.ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    private static Instant instant(JsonNode o, String field) {
        String s = o.path(field).asText(null);
        try {
            return s == null || s.isEmpty() ? null : Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    static OutboxMessage view(ObjectNode o) {
        return new OutboxMessage(o.path("key").asText(), o.path("incident").asText(), o.path("event").asText(),
                o.path("event_type").asText(), o.path("channel").asText(), o.path("kind").asText(),
                o.path("state").asText(), instant(o, "created_at"), o.path("attempts").asInt(0),
                instant(o, "next_attempt_at"), o.path("last_error").asText(null),
                o.hasNonNull("status") ? o.path("status").asInt() : null, o.path("answer").asText(null),
                instant(o, "delivered_at"));
    }

    /** Consumer for one-line problems. */
    static void report(Report r, Consumer<String> warn) {
        for (String s : r.refused()) {
            warn.accept("not delivered, refused by the service: " + s + "; fix it and run 'ir notify retry', or "
                    + "'ir notify drop'");
        }
    }
}
