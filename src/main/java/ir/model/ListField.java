package ir.model;

import java.util.Locale;

/** The list fields of an incident, in file order. */
public enum ListField {
    WENT_WELL, WENT_WRONG, GOT_LUCKY, TAGS, LINKS;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String option() {
        return key().replace('_', '-');
    }

    /** Parses {@code went-well}, {@code went_well}, {@code tag} or {@code tags}; null when unknown. */
    public static ListField parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (t.equals("tag") || t.equals("link")) {
            t = t + "s";
        }
        for (ListField f : values()) {
            if (f.key().equals(t)) {
                return f;
            }
        }
        return null;
    }
}
