package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.Incident;
import ir.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/** JSON output of incidents and of values built from them (maps, lists, times, durations, timeline entries), as {@code --json} prints. */
final class JsonOutput {
    private JsonOutput() {
    }

    static String json(Object value) {
        return YamlCodec.get().writeJson(toNode(value));
    }

    /** {@link #json(Object)} on one line: one record of a stream that is read line by line ({@code --follow}). */
    static String jsonLine(Object value) {
        return YamlCodec.get().writeCompactJson(toNode(value));
    }

    static String json(Incident incident, Map<String, Object> extra) {
        ObjectNode doc = IncidentCodec.toTree(incident);
        extra.forEach((k, v) -> doc.set(k, toNode(v)));
        return YamlCodec.get().writeJson(doc);
    }

    static JsonNode toNode(Object v) {
        if (v instanceof Incident i) {
            return IncidentCodec.toTree(i);
        }
        if (v instanceof ir.model.TimelineEvent e) {
            return IncidentCodec.eventTree(e);
        }
        if (v instanceof Instant at) {
            return YamlCodec.newObject().textNode(Times.format(at));
        }
        if (v instanceof Duration d) {
            return YamlCodec.newObject().numberNode(d.getSeconds());
        }
        if (v instanceof Map<?, ?> map) {
            ObjectNode o = YamlCodec.newObject();
            map.forEach((k, x) -> o.set(String.valueOf(k), toNode(x)));
            return o;
        }
        if (v instanceof Collection<?> list) {
            ArrayNode a = YamlCodec.newArray();
            list.forEach(x -> a.add(toNode(x)));
            return a;
        }
        if (v == null) {
            return YamlCodec.newObject().nullNode();
        }
        return IncidentCodec.toNode(v);
    }
}
