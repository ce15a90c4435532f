package ir.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Order-keeping immutable copies, for record components whose order is part of the file format. */
final class Maps {
    private Maps() {
    }

    static <K, V> Map<K, V> copy(Map<K, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    static <K> Map<K, List<String>> copyLists(Map<K, List<String>> map) {
        if (map == null) {
            return Map.of();
        }
        Map<K, List<String>> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, List.copyOf(new ArrayList<>(v))));
        return Collections.unmodifiableMap(out);
    }
}
