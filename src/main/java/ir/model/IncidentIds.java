package ir.model;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Incident IDs ({@code YYYY-MM-DD-slug}) and random event ids. */
public final class IncidentIds {
    public static final int MAX_SLUG = 40;
    private static final Pattern VALID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private IncidentIds() {
    }

    /** Lowercase ASCII letters, digits and single dashes, at most 40 characters, cut at a word boundary. */
    public static String slug(String title) {
        String ascii = Normalizer.normalize(title, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String s = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > MAX_SLUG) {
            int cut = s.lastIndexOf('-', MAX_SLUG);
            s = s.substring(0, cut > MAX_SLUG / 2 ? cut : MAX_SLUG).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "incident" : s;
    }

    /** A new ID for a title declared at {@code at}; a clash with {@code taken} gets -2, -3, .... */
    public static String newId(String title, Instant at, Set<String> taken) {
        String base = at.atOffset(ZoneOffset.UTC).toLocalDate() + "-" + slug(title);
        String id = base;
        for (int n = 2; taken.contains(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /** Checks an ID given with {@code --id}: the slug alphabet only, so it can never name a path outside. */
    public static String validate(String id) {
        String t = id == null ? "" : id.trim();
        if (t.length() > 80 || !VALID.matcher(t).matches()) {
            throw IrException.usage("invalid incident ID '" + id + "': use lowercase letters, digits and single "
                    + "dashes (e.g. 2015-10-21-db-outage), at most 80 characters");
        }
        return t;
    }

    /** Whether {@code id} is in the slug alphabet, as {@link #VALID}: checked by hand, it runs per file in listings. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > 80) {
            return false;
        }
        boolean dash = true; // at the start, as after a dash: a letter or digit must follow
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '-') {
                if (dash) {
                    return false;
                }
                dash = true;
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                dash = false;
            } else {
                return false;
            }
        }
        return !dash;
    }

    /** Base32 digits in ASCII order, so ids built from them sort as the numbers they encode. */
    private static final char[] SORTABLE = "234567abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final java.util.concurrent.atomic.AtomicLong LAST_EVENT_MILLIS =
            new java.util.concurrent.atomic.AtomicLong();

    /**
     * A 14-character id for a timeline event: 9 characters of the creation time in milliseconds (strictly increasing
     * within a process), then 5 random ones. Events are ordered by ({@code at}, {@code id}) and {@code at} has second
     * precision, so a fully random id put two entries logged within one second (a pasted list in {@code ir shell},
     * a status change and its milestone) in random order; this one keeps them in the order they were recorded, and
     * stays unique across clones without coordination.
     */
    public static String eventId() {
        long now = System.currentTimeMillis();
        long ms = LAST_EVENT_MILLIS.updateAndGet(last -> Math.max(now, last + 1));
        char[] c = new char[14];
        for (int i = 8; i >= 0; i--) {
            c[i] = SORTABLE[(int) (ms & 31)];
            ms >>>= 5;
        }
        for (int i = 9; i < c.length; i++) {
            c[i] = BASE32[RANDOM.nextInt(32)];
        }
        return new String(c);
    }

    /** A random 12-character base32 id for events and action items: unique across clones without coordination. */
    public static String randomId() {
        char[] c = new char[12];
        for (int i = 0; i < c.length; i++) {
            c[i] = BASE32[RANDOM.nextInt(32)];
        }
        return new String(c);
    }
}
