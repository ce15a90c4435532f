package ir.cli;

import ir.model.IncidentSummary;
import ir.model.IrConfig;
import ir.model.Lifecycle;
import ir.model.Times;
import ir.store.IncidentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ir list}: one line per incident, newest first. */
@Command(name = "list", description = {"List incidents, newest first. Drills are left out unless --drills, canceled "
        + "incidents unless --canceled; --all lists every one."},
        footer = {"", "Examples:", "  ir list --open", "  ir list --severity SEV-1 --since 2026-01-01",
                "  ir list --json | jq -r '.[].id'"})
public final class ListCommand extends IrCommand {
    @Option(names = "--open", description = "Only incidents not yet resolved or closed.")
    boolean open;

    @Option(names = {"-s", "--severity"}, paramLabel = "SEV", description = "Only this severity.")
    String severity;

    @Option(names = "--since", paramLabel = "DATE", description = "Only incidents declared on or after DATE "
            + "(YYYY-MM-DD, or relative such as -30d).")
    String since;

    @Option(names = "--drills", description = "Include drills (practice incidents).")
    boolean drills;

    @Option(names = "--canceled", description = "Only canceled incidents (declared by mistake or twice: 'ir "
            + "cancel'), which are left out otherwise.")
    boolean canceled;

    @Option(names = "--all", description = "Include canceled incidents and drills.")
    boolean everything;

    @Option(names = "--local", description = "Show times in the local time zone instead of UTC.")
    boolean local;

    @Option(names = "--json", description = "A JSON array: each incident's document without its timeline, plus "
            + "its number of events.")
    boolean json;

    /** Newest first, then by ID; a plain comparator (no lambdas to link): it runs 100,000 times for 10,000 incidents. */
    private static final Comparator<IncidentSummary> NEWEST_FIRST = new Comparator<>() {
        @Override
        public int compare(IncidentSummary a, IncidentSummary b) {
            Instant x = a.openedAt() == null ? Instant.EPOCH : a.openedAt();
            Instant y = b.openedAt() == null ? Instant.EPOCH : b.openedAt();
            int c = y.compareTo(x);
            return c != 0 ? c : a.id().compareTo(b.id());
        }
    };

    @Override
    protected int run() {
        // The listing runs on a second thread (started by Cli.run for a one-shot run, else here) while this one
        // parses ir.yaml: see Listing.
        IncidentStore store = store();
        Listing listing = root().listing != null ? root().listing : Listing.of(store);
        IrConfig config;
        String sev;
        Instant from;
        try {
            config = config();
            sev = severity == null ? null : config.severity(severity);
            from = since == null ? null : Times.parseAny(since, clock(), "--since");
        } catch (RuntimeException e) {
            listing.await(); // never exit while it may be writing the cache
            throw e;
        }
        List<IncidentSummary> all = listing.summaries(store.workspace().root(), msg -> warn(msg + " (skipped)"));
        if (all == null) {
            all = store.summaries(msg -> warn(msg + " (skipped)"));
        }
        Sorted sorted = newestFirst(store, all);
        List<IncidentSummary> shown = new ArrayList<>(sorted.summaries().length);
        int[] index = new int[sorted.summaries().length];
        int w = 0;
        int sevW = 6; // "SEV-1 " and "investigating" as the narrowest columns, so everyday lists keep their look
        int statusW = 13;
        int chars = 0;
        for (int k = 0; k < index.length; k++) {
            IncidentSummary i = sorted.summaries()[k];
            boolean isCanceled = IrConfig.CANCELED.equals(i.status());
            if (i.drill() && !drills && !everything
                    || (isCanceled ? !canceled && !everything : canceled)
                    || open && Lifecycle.isDone(config, i.status())
                    || sev != null && !sev.equalsIgnoreCase(i.severity())
                    || from != null && i.openedAt() != null && i.openedAt().isBefore(from)) {
                continue;
            }
            index[shown.size()] = k;
            shown.add(i);
            w = Math.max(w, i.id().length());
            sevW = Math.max(sevW, Text.width(i.severity()));
            statusW = Math.max(statusW, Text.width(i.status()));
            chars += i.title() == null ? 0 : i.title().length();
        }
        if (json) {
            List<Object> docs = new ArrayList<>();
            for (IncidentSummary i : shown) {
                docs.add(summary(i));
            }
            out().println(store().json(docs));
            return 0;
        }
        if (shown.isEmpty()) {
            info("No incidents" + (open || canceled || sev != null || from != null ? " match" : " yet")
                    + (drills || everything ? "" : " (drills and canceled ones hidden: --all)") + ".");
            return 0;
        }
        String current = store().current().orElse("");
        // One write, not one flushed line per incident (10,000 of them cost a system call each); each cell made safe
        // for a terminal as it is added (Text.forTerminal), not in a second pass over the whole text.
        String nl = System.lineSeparator();
        Clock clock = clock();
        StringBuilder lines = new StringBuilder(chars + shown.size() * (w + 64));
        int[] widths = {w, sevW, statusW};
        if (!Arrays.equals(sorted.idWidth(), widths)) {
            Arrays.fill(sorted.utcLines(), null); // made for another ID column width
            System.arraycopy(widths, 0, sorted.idWidth(), 0, widths.length);
        }
        for (int k = 0; k < shown.size(); k++) {
            IncidentSummary i = shown.get(k);
            lines.append(i.id().equals(current) ? "* " : "  ");
            if (local) {
                pad(lines, i.id(), w);
                rest(lines, i, clock, true, sevW, statusW);
            } else {
                // The line after its marker depends on nothing else: a long-lived process formats it once per
                // summary and ID column width.
                String line = sorted.utcLines()[index[k]];
                if (line == null) {
                    line = rest(pad(new StringBuilder(w + 96), i.id(), w), i, clock, false, sevW, statusW)
                            .toString();
                    sorted.utcLines()[index[k]] = line;
                }
                lines.append(line);
            }
            lines.append(nl);
        }
        // In slices, straight from the builder: a writer without a buffer of its own copies a whole string into one
        // array of chars before it encodes it (2.6 MB for 10,000 incidents), and toString() would copy it once more.
        PrintWriter out = out();
        char[] slice = new char[8192];
        for (int at = 0; at < lines.length(); at += slice.length) {
            int end = Math.min(lines.length(), at + slice.length);
            lines.getChars(at, end, slice, 0);
            out.write(slice, 0, end - at);
        }
        out.flush();
        ir.model.Freshness fresh = freshness();
        if (fresh != null) {
            info(fresh.describe(clock.instant(), clock.getZone()));
        }
        return 0;
    }

    /** A line after the ID: severity, status, opening time, title, the drill mark. */
    private static StringBuilder rest(StringBuilder sb, IncidentSummary i, Clock clock, boolean local, int sevW,
                                      int statusW) {
        sb.append("  ");
        pad(sb, i.severity(), sevW).append(' ');
        pad(sb, i.status(), statusW).append(' ').append(Times.short_(i.openedAt(), clock, local)).append("  ");
        return Text.appendSafe(sb, String.valueOf(i.title())).append(i.drill() ? "  [drill]" : "");
    }

    /**
     * The last sort, for a long-lived process: while nothing changed, the store returns the very same (unmodifiable)
     * list of summaries, which sorts as it did; with each line in UTC (after its current-incident mark) as formatted
     * so far for the ID, severity and status column widths in {@code idWidth} (slots filled as lines are made; all
     * cleared when a width changes).
     */
    private record Sorted(List<IncidentSummary> of, IncidentSummary[] summaries, String[] utcLines, int[] idWidth) {
    }

    /** The last sort, kept by a long-lived store for its next listing (a one-shot store keeps nothing). */
    private static Sorted newestFirst(ir.store.IncidentStore store, List<IncidentSummary> all) {
        java.util.concurrent.atomic.AtomicReference<Sorted> kept = store.view("list.last-sort",
                java.util.concurrent.atomic.AtomicReference::new);
        Sorted last = kept.get();
        if (last != null && last.of() == all) {
            return last;
        }
        Sorted resorted = last == null ? null : replaced(last, all);
        if (resorted == null) {
            resorted = new Sorted(all, sortNewestFirst(all), new String[all.size()], new int[] {-1, -1, -1});
        }
        kept.set(resorted);
        return resorted;
    }

    /**
     * The last sort with a few summaries replaced, when {@code all} is {@code last}'s list with some summaries
     * replaced by ones with the same ID and opening time (an incident changed in place, the usual change between two
     * listings in a long-lived process); null otherwise. The summaries that did not change are the very same
     * objects, so their order and formatted text are kept.
     */
    private static Sorted replaced(Sorted last, List<IncidentSummary> all) {
        List<IncidentSummary> before = last.of();
        if (before.size() != all.size()) {
            return null;
        }
        java.util.IdentityHashMap<IncidentSummary, IncidentSummary> changed = new java.util.IdentityHashMap<>();
        for (int k = 0; k < all.size(); k++) {
            IncidentSummary was = before.get(k);
            IncidentSummary now = all.get(k);
            if (was != now) {
                if (!was.id().equals(now.id()) || !java.util.Objects.equals(was.openedAt(), now.openedAt())
                        || changed.size() > 64) {
                    return null;
                }
                changed.put(was, now);
            }
        }
        IncidentSummary[] summaries = last.summaries().clone();
        String[] lines = last.utcLines().clone();
        for (int k = 0; k < summaries.length && !changed.isEmpty(); k++) {
            IncidentSummary now = changed.remove(summaries[k]);
            if (now != null) {
                summaries[k] = now;
                lines[k] = null;
            }
        }
        return new Sorted(all, summaries, lines, last.idWidth().clone());
    }

    /**
     * {@link #NEWEST_FIRST}, as a sort of longs when it can be: the opening second (inverted) above the position in
     * {@code all}, which is in ID order, so ties keep ID order as the comparator does. 10,000 summaries sort in a
     * fraction of the comparator's time. Times with fractions of a second, or over a million summaries, use the
     * comparator.
     */
    static IncidentSummary[] sortNewestFirst(List<IncidentSummary> all) {
        int n = all.size();
        IncidentSummary[] sorted = all.toArray(new IncidentSummary[0]);
        long[] keys = new long[n];
        boolean packable = n < (1 << 20);
        for (int k = 0; k < n && packable; k++) {
            Instant t = sorted[k].openedAt() == null ? Instant.EPOCH : sorted[k].openedAt();
            long secs = t.getEpochSecond();
            if (t.getNano() != 0 || Math.abs(secs) >= (1L << 40) || k > 0 && sorted[k - 1].id().compareTo(
                    sorted[k].id()) > 0) {
                packable = false;
            } else {
                keys[k] = ((1L << 41) - 1 - (secs + (1L << 40))) << 20 | k;
            }
        }
        if (!packable) {
            Arrays.sort(sorted, NEWEST_FIRST);
            return sorted;
        }
        Arrays.sort(keys);
        IncidentSummary[] out = new IncidentSummary[n];
        for (int k = 0; k < n; k++) {
            out[k] = sorted[(int) (keys[k] & ((1 << 20) - 1))];
        }
        return out;
    }

    /** {@link Text#pad} without a new string per cell. */
    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        String t = s == null ? "" : s;
        Text.appendSafe(sb, t);
        for (int n = Text.width(t); n < width; n++) {
            sb.append(' ');
        }
        return sb;
    }

    private static Map<String, Object> summary(IncidentSummary i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("title", i.title());
        m.put("severity", i.severity());
        m.put("status", i.status());
        m.put("drill", i.drill());
        i.times().forEach((k, v) -> m.put(k.key(), v));
        if (!i.roles().isEmpty()) {
            m.put("roles", i.roles());
        }
        if (!i.tags().isEmpty()) {
            m.put("tags", i.tags());
        }
        m.put("events", i.events());
        m.put("open_actions", i.openActions());
        return m;
    }
}
