package ir.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message of a clone's outbox, as {@code ir notify} shows it.
 *
 * @param key       the event id and the channel: a message is queued once per key
 * @param state     {@code queued} (waiting, perhaps after a failed attempt), {@code sending} (an attempt under way, or
 *                  interrupted), {@code delivered}, or {@code failed} (refused by the service; {@code ir notify retry})
 * @param status    the service's HTTP status of the last attempt, or null
 * @param answer    the start of the service's answer to the last attempt, or null
 */
public record OutboxMessage(String key, String incident, String event, String eventType, String channel, String kind,
                            String state, Instant createdAt, int attempts, Instant nextAttemptAt, String lastError,
                            Integer status, String answer, Instant deliveredAt) {

    public boolean undelivered() {
        return !"delivered".equals(state);
    }

    /** The fields as {@code ir notify --json} prints them. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("incident", incident);
        m.put("event", event);
        m.put("event_type", eventType);
        m.put("channel", channel);
        m.put("kind", kind);
        m.put("state", state);
        m.put("created_at", createdAt);
        m.put("attempts", attempts);
        m.put("next_attempt_at", nextAttemptAt);
        m.put("last_error", lastError);
        m.put("status", status);
        m.put("answer", answer);
        m.put("delivered_at", deliveredAt);
        return m;
    }
}
