package ir.model;

import java.util.Locale;

/** The free-text fields of an incident (post-mortem prose), in file order. */
public enum TextField {
    SUMMARY, IMPACT, ROOT_CAUSE, TRIGGER, RESOLUTION, DETECTION;

    /** The YAML key, e.g. {@code root_cause}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The command-line spelling, e.g. {@code root-cause}. */
    public String option() {
        return key().replace('_', '-');
    }

    /** Parses {@code root-cause}, {@code root_cause} or {@code ROOT_CAUSE}; null when unknown. */
    public static TextField parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (TextField f : values()) {
            if (f.key().equals(t)) {
                return f;
            }
        }
        return null;
    }
}
