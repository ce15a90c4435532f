package ir.model;

import java.util.Locale;

/** The instants in an incident's life, in file order: the YAML key is {@code <name>_at}. */
public enum Milestone {
    OPENED, STARTED, DETECTED, ACKNOWLEDGED, MITIGATED, RESOLVED, CLOSED;

    public String key() {
        return name().toLowerCase(Locale.ROOT) + "_at";
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code detected}, {@code detected_at} or {@code DETECTED}. */
    public static Milestone parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (t.endsWith("_at")) {
            t = t.substring(0, t.length() - 3);
        }
        for (Milestone m : values()) {
            if (m.label().equals(t)) {
                return m;
            }
        }
        return null;
    }
}
