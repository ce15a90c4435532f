package ir.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How current this clone's view of the shared incidents is: whether auto-sync is on, when the last sync with the
 * remote succeeded, since when the remote has been unreachable, how many local commits are not pushed yet, and a
 * problem that needs a person (a merge ir cannot do, a push the remote refuses). Pure: the store reads it from git and
 * the auto-sync state; commands print {@link #describe}.
 *
 * @param shared       the branch has a remote to sync with (an upstream)
 * @param auto         auto-sync is on for this clone
 * @param lastSync     when a fetch (and push, if there was one to make) last succeeded; null: never
 * @param offlineSince when attempts started failing, after the last success; null: not offline
 * @param unpushed     local commits the remote does not have
 * @param problem      what needs a person, in one line; null: nothing
 */
public record Freshness(boolean shared, boolean auto, Instant lastSync, Instant offlineSince, int unpushed,
                        String problem) {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    /** A workspace with no remote: nothing to be fresh against. */
    public static Freshness local(int unpushed) {
        return new Freshness(false, false, null, null, unpushed, null);
    }

    /**
     * One short phrase for a header or prompt: "synced 8 s ago", "offline since 10:42 (3 entries not pushed)",
     * "auto-sync off", "not shared (no remote)".
     */
    public String describe(Instant now, ZoneId zone) {
        if (!shared) {
            return "not shared (no remote)";
        }
        StringBuilder s = new StringBuilder();
        if (offlineSince != null) {
            s.append("offline since ").append(HH_MM.format(offlineSince.atZone(zone)));
        } else if (lastSync != null) {
            s.append("synced ").append(ago(Duration.between(lastSync, now)));
        } else {
            s.append("never synced");
        }
        if (unpushed > 0) {
            s.append(" (").append(unpushed).append(unpushed == 1 ? " entry" : " entries").append(" not pushed)");
        }
        if (!auto) {
            s.append(", auto-sync off");
        }
        return s.toString();
    }

    /** "8 s ago", "3 min ago", "2 h ago", "4 days ago"; a time in the future (a skewed clock) reads "just now". */
    static String ago(Duration d) {
        long s = d.getSeconds();
        if (s < 1) {
            return "just now";
        }
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return s / 60 + " min ago";
        }
        if (s < 2 * 86400) {
            return s / 3600 + " h ago";
        }
        return s / 86400 + " days ago";
    }
}
