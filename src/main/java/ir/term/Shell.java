package ir.term;

import ir.env.Env;
import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.TimelineEvent;
import ir.model.Times;
import ir.store.IncidentStore;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ir shell}: the response console. A line is a timeline entry (the {@code ir log} command); a line that
 * starts with {@code /} is an {@code ir} command ({@code /sev SEV-1} runs {@code ir severity -i <incident> SEV-1}).
 * Every line runs through one picocli command line built once, on one store kept open, so an entry costs a file
 * write and a commit, not a JVM, a repository and a config parse. Each line is committed before the next prompt.
 */
public final class Shell {
    /** Short names typed in the shell for {@code ir} commands. */
    static final Map<String, String> ALIASES = Map.of("sev", "severity", "exit", "quit", "q", "quit", "?", "help",
            "note", "log");
    /** Commands that make no sense inside the shell. */
    /** Commands not offered inside the shell ('/help' is the shell's own; completion is for the login shell). */
    static final Set<String> NOT_IN_SHELL = Set.of("shell", "init", "help", "completion", "__complete");
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private final Env env;
    private final IncidentStore store;
    private final Terminal terminal;
    private final boolean verbose;
    private final PrintWriter out;
    private final SwitchWriter errTarget;
    private final CommandLine commands;
    /** The entries of the incident already shown or made here; guarded by {@link #busy}. */
    private final Set<String> seen = new HashSet<>();
    /** Held by the shell's thread except while it waits for a line: the watcher reads the store only then. */
    private final java.util.concurrent.locks.ReentrantLock busy = new java.util.concurrent.locks.ReentrantLock();
    private String incident;
    private int failures;

    /**
     * @param incidentQuery {@code -i}: the incident to work on, or null for the clone's current one (if any)
     * @param verbose       pass {@code --verbose} to every command
     * @param commands      builds the commands each line runs through
     */
    public Shell(Env env, IncidentStore store, Terminal terminal, String incidentQuery, boolean verbose,
                 CommandFactory commands) {
        this.env = env;
        this.store = store;
        this.terminal = terminal;
        this.verbose = verbose;
        // Entries of other responders, warnings and errors quote what a repository holds: shown inertly (Inert).
        this.out = ir.env.Inert.printWriter(terminal.writer());
        this.errTarget = new SwitchWriter(out);
        // Every line works in the shell's workspace, however it was found (-C, IR_DIR or the directory).
        java.util.Map<String, String> environment = new java.util.HashMap<>(env.environment());
        environment.put("IR_DIR", store.workspace().root().toString());
        Env inner = new Env(out, new PrintWriter(errTarget, true), InputStream.nullInputStream(), env.clock(),
                env.cwd(), java.util.Map.copyOf(environment), false, env.umask(), env.backends());
        // Built once: picocli resets every option before each parse, so one model serves every line.
        this.commands = commands.commandLine(inner);
        String start = incidentQuery != null ? store.select(incidentQuery) : clonesCurrent();
        switchTo(start);
    }

    /** Runs {@code ir shell} on a terminal made from {@code env}; returns the exit code. */
    public static int start(Env env, IncidentStore store, CommandFactory commands, String incidentQuery,
                            boolean verbose, boolean interactive) {
        Terminal terminal = Terminals.open(env, interactive);
        try {
            return new Shell(env, store, terminal, incidentQuery, verbose, commands).run(interactive);
        } finally {
            try {
                terminal.close();
            } catch (IOException e) {
                // the terminal's settings are restored on a best-effort basis
            }
        }
    }

    /**
     * Reads lines until Ctrl-D or {@code /quit}. Non-interactive runs exit 1 when any line failed. Keeps the clone
     * synced meanwhile ({@link IncidentStore#keepSynced}); at a terminal, others' entries are printed above the prompt
     * as they arrive, without disturbing what is being typed.
     */
    public int run(boolean interactive) {
        LineReader reader = reader();
        if (interactive) {
            out.println(incident == null
                    ? "ir shell: no current incident. /open TITLE declares one, /use ID picks one; /help lists "
                    + "commands."
                    : "ir shell on " + incident + ". Type what happens; each line is committed. /help lists "
                    + "commands, Ctrl-D leaves.");
        }
        out.flush();
        AutoCloseable synced = store.keepSynced();
        Thread watcher = interactive ? watch(reader) : null;
        busy.lock();
        try {
            while (true) {
                // Lines piped in get no prompt and no greeting (a script reads only what the commands print), but
                // still see other responders' entries as they arrive.
                String prompt = interactive ? prompt() : quietPrompt();
                String line;
                busy.unlock();
                try {
                    line = reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                } finally {
                    busy.lock();
                    // JLine may interrupt the reading thread on Ctrl-C; left set, the flag would fail the next lock
                    // wait
                    Thread.interrupted();
                }
                if (!execute(line)) {
                    break;
                }
            }
        } finally {
            busy.unlock();
            if (watcher != null) {
                watcher.interrupt();
                try {
                    watcher.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                synced.close();
            } catch (Exception e) {
                warn("auto-sync did not stop cleanly: " + e.getMessage());
            }
        }
        out.flush();
        return failures > 0 && !interactive ? ExitCode.FAILURE.code() : 0;
    }

    /** How often the watcher looks at the incident file (a stat; the file is read only when it changed). */
    static final long WATCH_MILLIS = 200;

    /**
     * A thread that prints entries arriving in this clone (another process's, or merged by a sync) above the prompt
     * while a line is being typed. It works only while the shell waits for input ({@link #busy} free), so it never
     * reads the store at the same time as a command, and never reports the shell's own entries.
     */
    private Thread watch(LineReader reader) {
        Thread t = new Thread(() -> {
            String watched = null;
            Object known = null;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(WATCH_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                if (!busy.tryLock()) {
                    continue;
                }
                try {
                    String id = incident;
                    if (id == null) {
                        continue;
                    }
                    Object stamp = stamp(store.workspace().incidentFile(id));
                    if (id.equals(watched) && java.util.Objects.equals(stamp, known)) {
                        continue;
                    }
                    watched = id;
                    known = stamp;
                    List<String> lines = arrived(store.load(id));
                    if (!lines.isEmpty()) {
                        reader.printAbove(ir.env.Inert.text(String.join("\n", lines)));
                    }
                } catch (RuntimeException e) {
                    // a file being merged or gone: the prompt says so; the watcher tries again on the next change
                } finally {
                    busy.unlock();
                }
            }
        }, "ir-shell-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The file's inode, modification time and size (every write of ir's is a rename: a new inode), or null. */
    private static Object stamp(java.nio.file.Path file) {
        try {
            var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toString(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    private LineReader reader() {
        DefaultParser parser = new DefaultParser();
        // Quotes group words for completion, and an unclosed one (an apostrophe in "don't") never asks for more.
        parser.setEofOnUnclosedQuote(false);
        parser.setEscapeChars(null);
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("ir").parser(parser)
                .completer(new ShellCompleter(this))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.AUTO_FRESH_LINE, true);
        try {
            Files.createDirectories(store.workspace().stateDir());
            b.variable(LineReader.HISTORY_FILE, store.workspace().stateDir().resolve("shell_history"));
        } catch (IOException e) {
            warn("no shell history: cannot create " + store.workspace().stateDir() + ": " + e.getMessage());
        }
        return b.build();
    }

    /**
     * Runs one line: an entry, or a {@code /command}. Returns false when the line asks to leave the shell.
     * Everything is written and committed before this returns.
     */
    public boolean execute(String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return true;
        }
        try {
            if (text.startsWith("/") && !text.startsWith("//")) {
                return command(text.substring(1));
            }
            entry(text.startsWith("//") ? text.substring(1) : text);
        } catch (IrException e) {
            failures++;
            out.println("ir: " + e.getMessage());
        } catch (RuntimeException e) {
            failures++;
            out.println("ir: internal error: " + e + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(out);
            }
        } finally {
            markOwn();
            out.flush();
        }
        return true;
    }

    /**
     * Marks the entries this shell's line just made as seen: the new ones with this responder's name (an entry
     * another person's clone made meanwhile stays new, and is shown before the next prompt).
     */
    private void markOwn() {
        if (incident == null) {
            return;
        }
        String me;
        Incident i;
        try {
            me = store.author();
            i = store.load(incident);
        } catch (RuntimeException e) {
            return;
        }
        for (TimelineEvent e : i.timeline()) {
            if (me.equals(e.author())) {
                seen.add(e.id());
            }
        }
    }

    /** A timeline entry, through {@code ir log}; its success message is left out, an error is shown. */
    private void entry(String text) {
        List<String> args = new ArrayList<>();
        if (verbose) {
            args.add("--verbose");
        }
        args.add("log");
        if (incident != null) {
            args.add("-i");
            args.add(incident);
        }
        args.add("--");
        args.add(text);
        StringWriter captured = new StringWriter();
        errTarget.to(captured);
        int code;
        try {
            code = commands.execute(args.toArray(String[]::new));
        } finally {
            errTarget.to(out);
        }
        if (code != 0) {
            failures++;
            out.print(captured);
        }
    }

    private boolean command(String line) {
        List<String> words = Words.split(line);
        if (words.isEmpty()) {
            throw IrException.usage("type a command after '/', e.g. /show; /help lists them");
        }
        String typed = words.get(0);
        String name = canonical(typed);
        List<String> rest = new ArrayList<>(words.subList(1, words.size()));
        switch (name) {
            case "quit":
                return false;
            case "help":
                if (rest.isEmpty()) {
                    help();
                    return true;
                }
                typed = rest.get(0).replaceFirst("^/", "");
                name = canonical(typed);
                rest = new ArrayList<>(List.of("--help"));
                break;
            case "use":
                if (rest.isEmpty()) {
                    out.println(incident == null ? "no incident: /use ID picks one" : incident);
                    return true;
                }
                break;
            default:
                break;
        }
        if (NOT_IN_SHELL.contains(name)) {
            throw IrException.usage("/" + name + " does not work inside the shell: leave it (Ctrl-D) and run ir "
                    + name);
        }
        CommandLine sub = commands.getSubcommands().get(name);
        if (sub == null) {
            throw IrException.usage("unknown command '/" + typed + "': /help lists the commands (start a "
                    + "line with // to log text that begins with /)");
        }
        List<String> args = new ArrayList<>();
        if (verbose) {
            args.add("--verbose");
        }
        args.add(name);
        // -i goes right after the deepest command on the path that takes it (/action add TEXT: after 'add', or
        // after 'action' when the option lives there).
        CommandLine target = sub;
        int insertAt = sub.getCommandSpec().findOption("-i") != null ? args.size() : -1;
        int i = 0;
        while (i < rest.size() && target.getSubcommands().containsKey(rest.get(i))) {
            target = target.getSubcommands().get(rest.get(i));
            args.add(rest.get(i));
            if (target.getCommandSpec().findOption("-i") != null) {
                insertAt = args.size();
            }
            i++;
        }
        List<String> tail = rest.subList(i, rest.size());
        args.addAll(tail);
        if (incident != null && insertAt >= 0 && !namesIncident(rest)) {
            args.addAll(insertAt, List.of("-i", incident));
        }
        String before = clonesCurrent();
        int code = commands.execute(args.toArray(String[]::new));
        if (code != 0) {
            failures++;
        }
        String after = clonesCurrent();
        // /use and /open make an incident current in the clone; the shell follows them.
        if (after != null && code == 0 && (!after.equals(before) || name.equals("use") || name.equals("open"))) {
            switchTo(after);
        }
        return true;
    }

    static String canonical(String typed) {
        String n = typed.toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(n, n);
    }

    /** True when the user gave {@code -i} themselves, so the shell's incident is not added. */
    static boolean namesIncident(List<String> args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("-i") || a.equals("--incident") || a.startsWith("--incident=")
                    || (a.startsWith("-i") && !a.startsWith("--"))) {
                return true;
            }
        }
        return false;
    }

    private void help() {
        out.println("Type what happens and press Enter: each line is a timeline entry, committed at once.");
        out.println("Commands start with / and take the options of the ir command of that name (the shell adds "
                + "-i for its incident):");
        Map<String, String> lines = new LinkedHashMap<>();
        for (Map.Entry<String, CommandLine> c : commands.getSubcommands().entrySet()) {
            if (NOT_IN_SHELL.contains(c.getKey())) {
                continue;
            }
            String[] d = c.getValue().getCommandSpec().usageMessage().description();
            String alias = ALIASES.entrySet().stream().filter(a -> a.getValue().equals(c.getKey()))
                    .map(a -> ", /" + a.getKey()).sorted().findFirst().orElse("");
            lines.put("/" + c.getKey() + alias, d.length == 0 ? "" : d[0]);
        }
        lines.put("/help [COMMAND]", "This list, or a command's options and example.");
        lines.put("/quit", "Leave the shell (or Ctrl-D).");
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(10) + 2;
        lines.forEach((k, v) -> out.println("  " + k + " ".repeat(width - k.length()) + v));
        out.println("TAB completes; Up and Down browse the history; Ctrl-C cancels the line. A line starting "
                + "with // is logged as text beginning with /.");
    }

    /** The prompt: incident, severity, status and time since declared; also shows other responders' new entries. */
    public String prompt() {
        if (incident == null) {
            return "ir> ";
        }
        Incident i;
        try {
            i = store.load(incident);
        } catch (IrException e) {
            return "ir " + shortId(incident) + " (" + e.getMessage() + ")> ";
        }
        reportOthers(i);
        IrConfig config = store.config();
        // A file from a clone may lack severity, status or opened_at: the prompt shows '?', it never ends the shell.
        String severity = i.severity() == null ? "?" : ir.env.Inert.text(i.severity());
        String status = i.status() == null ? "?" : ir.env.Inert.text(i.status());
        boolean major = config.findSeverity(severity).map(IrConfig.Severity::major).orElse(false);
        Duration since = i.openedAt() == null ? null : Duration.between(i.openedAt(), env.clock().instant());
        if (since != null && since.isNegative()) {
            since = Duration.ZERO;
        }
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.style(AttributedStyle.BOLD).append(ir.env.Inert.text(shortId(incident))).style(AttributedStyle.DEFAULT).append(' ');
        b.style(major ? AttributedStyle.BOLD.foreground(AttributedStyle.RED)
                : AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW)).append(severity);
        b.style(AttributedStyle.DEFAULT).append(' ');
        boolean done = status.equals(IrConfig.RESOLVED) || status.equals(IrConfig.CLOSED)
                || status.equals(IrConfig.CANCELED);
        b.style(AttributedStyle.DEFAULT.foreground(done ? AttributedStyle.GREEN : AttributedStyle.CYAN))
                .append(status);
        b.style(AttributedStyle.DEFAULT).append(since == null ? "" : " " + Times.human(since))
                .append(i.drill() ? " drill" : "");
        String due = due(i, config, env.clock());
        if (!due.isEmpty()) {
            b.append(' ').style(AttributedStyle.BOLD.foreground(AttributedStyle.RED)).append(due);
        }
        String sync = syncMark(freshness());
        if (!sync.isEmpty()) {
            b.append(' ').style(AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW)).append(sync);
        }
        b.style(AttributedStyle.DEFAULT).append("> ");
        return b.toAnsi(terminal);
    }

    private ir.model.Freshness freshness() {
        try {
            return store.freshness();
        } catch (RuntimeException e) {
            return ir.model.Freshness.local(0);
        }
    }

    /**
     * The prompt's word on sync, only when the view may be behind: {@code offline}, {@code 3 unpushed},
     * {@code sync stopped} (a problem ir reported), {@code sync off}; empty when synced or without a remote.
     */
    static String syncMark(ir.model.Freshness f) {
        if (!f.shared()) {
            return "";
        }
        if (f.problem() != null) {
            return "sync stopped";
        }
        if (!f.auto()) {
            return f.unpushed() > 0 ? f.unpushed() + " unpushed, sync off" : "sync off";
        }
        if (f.offlineSince() != null) {
            return f.unpushed() > 0 ? "offline, " + f.unpushed() + " unpushed" : "offline";
        }
        return "";
    }

    /**
     * What {@code ir check} would say is due on the incident, short enough for a prompt ({@code commander due},
     * {@code 3 due}: {@code ir check} says what), or empty. Cheap: pure rules over the incident the prompt loaded.
     */
    static String due(Incident i, IrConfig config, java.time.Clock clock) {
        List<ir.model.Checks.Finding> findings = ir.model.Checks.due(i, config, clock.instant(), clock.getZone());
        if (findings.isEmpty()) {
            return "";
        }
        return (findings.size() == 1 ? findings.get(0).rule() : String.valueOf(findings.size())) + " due";
    }

    /** No prompt, for lines piped in: only other responders' new entries are shown, as before a prompt. */
    private String quietPrompt() {
        if (incident != null) {
            try {
                reportOthers(store.load(incident));
            } catch (IrException e) {
                // the line's own command reports it
            }
        }
        return "";
    }

    /** {@code checkout-latency-spike} for {@code 2026-11-28-checkout-latency-spike}, at most 24 characters. */
    static String shortId(String id) {
        String s = id.replaceFirst("^\\d{4}-\\d{2}-\\d{2}-", "");
        return s.length() <= 24 ? s : s.substring(0, 23) + "…";
    }

    /**
     * Prints the entries that arrived since the last prompt (another person's, or another process's), so a shared
     * incident stays in view.
     */
    private void reportOthers(Incident i) {
        for (String line : arrived(i)) {
            out.println(line);
        }
        out.flush();
    }

    /**
     * The entries of {@code i} not seen yet, in timeline order, one line each ({@code   10:42Z Bob Oncall: [type]
     * text}), now marked seen.
     */
    private List<String> arrived(Incident i) {
        List<TimelineEvent> added = new ArrayList<>();
        for (TimelineEvent e : i.timeline()) {
            if (seen.add(e.id())) {
                added.add(e);
            }
        }
        added.sort(Incident.EVENT_ORDER);
        List<String> lines = new ArrayList<>();
        for (TimelineEvent e : added) {
            String who = e.author() == null ? "?" : e.author().replaceFirst("\\s*<.*$", "");
            String type = e.type().equals(TimelineEvent.NOTE) ? "" : "[" + e.type() + "] ";
            String text = e.text() == null ? "" : e.text().lines().findFirst().orElse("");
            lines.add("  " + HHMM.format(e.at().atOffset(ZoneOffset.UTC)) + "Z " + who + ": " + type + text);
        }
        return lines;
    }

    private void switchTo(String id) {
        incident = id;
        seen.clear();
        if (id != null) {
            try {
                store.load(id).timeline().forEach(e -> seen.add(e.id()));
            } catch (IrException e) {
                // shown by the prompt
            }
        }
    }

    private String clonesCurrent() {
        return store.current().filter(id -> Files.isRegularFile(store.workspace().incidentFile(id))).orElse(null);
    }

    private void warn(String message) {
        out.println("ir: warning: " + message);
    }

    // For the completer.

    IncidentStore store() {
        return store;
    }

    CommandLine commands() {
        return commands;
    }

    String incident() {
        return incident;
    }

    Instant now() {
        return env.clock().instant();
    }

    /** A writer whose target can be swapped, so an entry's success message can be dropped and its error shown. */
    private static final class SwitchWriter extends Writer {
        private Writer target;

        SwitchWriter(Writer target) {
            this.target = target;
        }

        void to(Writer w) {
            target = w;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            target.write(cbuf, off, len);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            target.flush();
        }
    }
}
