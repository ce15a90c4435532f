package ir.cli;

import ir.model.Incident;
import ir.model.IrException;
import ir.model.Milestone;
import ir.model.Person;
import ir.model.TimelineEvent;
import ir.store.IncidentStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code ir show --follow}: after the incident's state, every timeline entry that arrives in this clone (logged by
 * any process, or merged by a sync), each printed once, in timeline order within one arrival, until {@link #stop} or
 * an interrupt of the thread that runs it.
 *
 * <p>Detection is a poll of the incident file's stamp (inode, modification time, size: every write is an atomic
 * rename, so a change always shows) every {@link #POLL_MILLIS}; the file is read and parsed only when it changed.
 */
final class Follow {
    /** How often the incident file is looked at: well within the 10 s a team waits for an entry, and cheap (a stat). */
    static final long POLL_MILLIS = 200;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

    private final IncidentStore store;
    private final String id;
    private final PrintWriter out;
    private final Clock clock;
    private final boolean local;
    private final boolean json;
    private final Consumer<String> warn;
    private final Object wake = new Object();
    private volatile boolean stopped;

    Follow(IncidentStore store, String id, PrintWriter out, Clock clock, boolean local, boolean json,
           Consumer<String> warn) {
        this.store = store;
        this.id = id;
        this.out = out;
        this.clock = clock;
        this.local = local;
        this.json = json;
        this.warn = warn;
    }

    /** Ends {@link #follow} at its next look (from any thread: a signal handler, a test). */
    void stop() {
        stopped = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /**
     * The incident file's identity and size as the file system has them, or null when there is none: a rename (every
     * write of ir's) gives a new inode, so two versions never look alike.
     */
    record Stamp(Object key, long modified, long size) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Stamp(a.fileKey(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                        a.size());
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                return new Stamp(e.getMessage(), -1, -1);
            }
        }
    }

    /**
     * Prints {@code first} (with {@code state}), then follows the incident until stopped or interrupted; returns 0.
     *
     * @param stamp the file's stamp taken before {@code first} was read, so a change in between is seen
     */
    int follow(Incident first, Stamp stamp, Consumer<Incident> state) {
        state.accept(first);
        out.flush();
        Set<String> seen = new HashSet<>();
        first.timeline().forEach(e -> seen.add(e.id()));
        Incident last = first;
        Stamp known = stamp;
        String problem = null;
        Path file = store.workspace().incidentFile(id);
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            try {
                synchronized (wake) {
                    if (!stopped) {
                        wake.wait(POLL_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                break;
            }
            Stamp now = Stamp.of(file);
            if (stopped || Objects.equals(now, known)) {
                continue;
            }
            Incident next;
            try {
                next = store.load(id);
            } catch (IrException | java.io.UncheckedIOException e) {
                if (stopped || Thread.currentThread().isInterrupted()) {
                    break;
                }
                // Said once per problem (a file being merged by hand, gone); following goes on.
                if (!Objects.equals(problem, e.getMessage())) {
                    problem = e.getMessage();
                    warn.accept(problem + " (still following; new entries appear once it can be read)");
                }
                known = now;
                continue;
            }
            problem = null;
            known = now;
            List<TimelineEvent> added = new ArrayList<>();
            for (TimelineEvent e : next.timeline()) {
                if (seen.add(e.id())) {
                    added.add(e);
                }
            }
            added.sort(Incident.EVENT_ORDER);
            for (TimelineEvent e : added) {
                printEvent(e);
            }
            List<String> changed = changes(last, next, added);
            if (!changed.isEmpty()) {
                printChange(changed);
            }
            last = next;
            out.flush();
        }
        out.flush();
        // An interrupt ends following, not what the command does after it (closing the store may wait for a lock).
        Thread.interrupted();
        return 0;
    }

    private void printEvent(TimelineEvent e) {
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "event");
            line.put("incident", id);
            line.put("event", e);
            out.println(store.jsonLine(line));
            return;
        }
        out.println(eventLine(e, clock, local));
    }

    /**
     * One entry as {@code --follow} prints it: {@code + DATE TIME  AUTHOR  TYPE  TEXT}, an important entry's type
     * followed by {@code !}; severity, status and role changes (which carry no text) as {@code FROM -> TO}; further
     * lines of a text indented by four spaces.
     */
    static String eventLine(TimelineEvent e, Clock clock, boolean local) {
        var zdt = local ? e.at().atZone(clock.getZone()) : e.at().atZone(ZoneOffset.UTC);
        String text = changeText(e);
        List<String> lines = text.lines().toList();
        StringBuilder s = new StringBuilder("+ ").append(WHEN.format(zdt)).append("  ")
                .append(Text.pad(Text.forTerminal(e.author() == null ? "?" : Person.name(e.author())), 10))
                .append("  ").append(Text.pad(Text.forTerminal(e.type()) + (e.important() ? " !" : ""), 10))
                .append("  ").append(Text.forTerminal(lines.isEmpty() ? "" : lines.get(0)));
        for (int n = 1; n < lines.size(); n++) {
            s.append('\n').append("    ").append(Text.forTerminal(lines.get(n)));
        }
        return s.toString();
    }

    /** An entry's text; a severity, status or role change without one as {@code [ROLE ]FROM -> TO}. */
    private static String changeText(TimelineEvent e) {
        if (e.text() != null && !e.text().isBlank()) {
            return e.text();
        }
        return IncidentView.describe(e);
    }

    private void printChange(List<String> changed) {
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "change");
            line.put("incident", id);
            line.put("fields", changed);
            out.println(store.jsonLine(line));
            return;
        }
        out.println("~ changed: " + Text.forTerminal(String.join(", ", changed)));
    }

    /**
     * The parts of the incident that changed from {@code a} to {@code b} and that no entry of {@code added} speaks
     * for (an edit, {@code ir set}, a merge): named as the incident file names them.
     */
    static List<String> changes(Incident a, Incident b, List<TimelineEvent> added) {
        Set<String> types = new HashSet<>();
        added.forEach(e -> types.add(e.type()));
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(a.title(), b.title())) {
            changed.add("title");
        }
        if (!Objects.equals(a.severity(), b.severity()) && !types.contains(TimelineEvent.SEVERITY)) {
            changed.add("severity");
        }
        if (!Objects.equals(a.status(), b.status()) && !types.contains(TimelineEvent.STATUS)) {
            changed.add("status");
        }
        if (a.drill() != b.drill()) {
            changed.add("drill");
        }
        if (!Objects.equals(a.roles(), b.roles()) && !types.contains(TimelineEvent.ROLE)) {
            changed.add("roles");
        }
        boolean milestoneEvents = types.contains(TimelineEvent.MILESTONE) || types.contains(TimelineEvent.STATUS)
                || types.contains(TimelineEvent.DECLARED);
        for (Milestone m : Milestone.values()) {
            if (!Objects.equals(a.time(m), b.time(m)) && !milestoneEvents) {
                changed.add(m.key());
            }
        }
        for (ir.model.TextField f : ir.model.TextField.values()) {
            if (!Objects.equals(a.text(f), b.text(f))) {
                changed.add(f.key());
            }
        }
        for (ir.model.ListField f : ir.model.ListField.values()) {
            if (!Objects.equals(a.list(f), b.list(f))) {
                changed.add(f.key());
            }
        }
        if (!Objects.equals(a.actions(), b.actions()) && !types.contains(TimelineEvent.ACTION_ITEM)) {
            changed.add("action_items");
        }
        if (!Objects.equals(a.impactWindows(), b.impactWindows())) {
            changed.add("impact_windows");
        }
        if (!Objects.equals(a.dataLoss(), b.dataLoss())) {
            changed.add("data_loss");
        }
        Set<String> keys = new java.util.TreeSet<>(a.extra().keySet());
        keys.addAll(b.extra().keySet());
        for (String k : keys) {
            if (!Objects.equals(a.extra().get(k), b.extra().get(k))) {
                changed.add(k);
            }
        }
        if (countRemoved(a, b) > 0) {
            changed.add("timeline (entries removed)");
        }
        return changed;
    }

    /** How many entries of {@code a} are no longer in {@code b} (an edit that removed one). */
    private static int countRemoved(Incident a, Incident b) {
        Set<String> ids = new HashSet<>();
        b.timeline().forEach(e -> ids.add(e.id()));
        int n = 0;
        for (TimelineEvent e : a.timeline()) {
            if (!ids.contains(e.id())) {
                n++;
            }
        }
        return n;
    }
}
