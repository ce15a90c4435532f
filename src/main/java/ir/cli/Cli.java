package ir.cli;

import ir.env.Env;
import ir.model.ExitCode;
import ir.model.IrException;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Builds the {@code ir} command line, the same for {@code main} and for tests, with one error handler. */
public final class Cli {
    private Cli() {
    }

    /**
     * The whole command line. Its commands get their stores from {@code env}'s backends: a long-lived caller (the
     * shell) gives it kept ones, so every line works on one open repository.
     */
    public static CommandLine commandLine(Env env) {
        return commandLine(env, null);
    }

    /** The subcommands, in the order help lists them. */
    static final java.util.List<String> COMMANDS = java.util.List.of("init", "open", "log", "show", "list", "use",
            "severity", "role", "status", "resolve", "reopen", "cancel", "mark", "window", "data-loss", "set", "add",
            "edit", "action", "checklist", "actions", "update", "check", "history", "stats", "report", "postmortem",
            "site", "page", "notify", "sync", "drill",
            "merge-file", "shell", "ingest", "daemon", "serve", "help", "completion", CompleteCommand.NAME);

    /** The subcommands that need the whole command model (every command), not only their own. */
    static final java.util.Set<String> WHOLE_MODEL = java.util.Set.of("help", "completion");

    /**
     * The subcommands that run only in the caller's own process, never in ir's background process: {@code init} (set
     * up once, may ask), {@code edit} (an editor on the terminal), {@code shell} (a session on the terminal or standard
     * input), {@code sync} (a remote, which may ask for credentials), {@code serve} (a long-lived receiver with a
     * backend of its own), {@code merge-file} (run by git, with git's environment), {@code ingest} (a payload read from
     * a file or standard input, recorded as the intake identity), {@code daemon} (it must work when the background
     * process does not), {@code page} and {@code notify} (they send to services with the caller's own endpoints
     * and wait, up to a second, to report the answer), {@code site} (it writes a directory of files where the
     * caller asked, which is the caller's own business), and {@code drill} ({@code start --play} stays, delivering
     * injects as they fall due, and scenario files are read from the caller's working directory).
     */
    static final java.util.Set<String> IN_PROCESS_ONLY = java.util.Set.of("init", "edit", "shell", "sync",
            "serve", "merge-file", "ingest", "daemon", "page", "notify", "site", "drill");

    /**
     * The subcommands that prompt on a terminal for what their arguments leave out ({@code open}): they run in the
     * background process only when they would not prompt (see {@link ir.daemon.Protocol#runsInBackground}).
     */
    static final java.util.Set<String> PROMPTING = java.util.Set.of("open", "update");

    /**
     * The subcommands ir's background process may run: all but {@link #IN_PROCESS_ONLY}. The launcher's client keeps
     * its own copy ({@link ir.daemon.Protocol#BACKGROUND}), since it must not load the CLI; a test holds them equal.
     */
    public static java.util.Set<String> backgroundCommands() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(COMMANDS);
        names.removeAll(IN_PROCESS_ONLY);
        return java.util.Collections.unmodifiableSet(names);
    }

    /** Of {@link #backgroundCommands()}, those that prompt on a terminal when an argument is left out. */
    public static java.util.Set<String> promptingCommands() {
        return PROMPTING;
    }

    /**
     * A new instance of the named subcommand, or null when there is none by that name. A switch, not a map of
     * constructors: a one-shot run creates (and loads the class of) only the command it runs.
     */
    private static Object newCommand(String name) {
        return switch (name) {
            case "init" -> new InitCommand();
            case "open" -> new OpenCommand();
            case "log" -> new LogCommand();
            case "show" -> new ShowCommand();
            case "list" -> new ListCommand();
            case "use" -> new UseCommand();
            case "severity" -> new SeverityCommand();
            case "role" -> new RoleCommand();
            case "status" -> new StatusCommand();
            case "resolve" -> new ResolveCommand();
            case "reopen" -> new ReopenCommand();
            case "cancel" -> new CancelCommand();
            case "mark" -> new MarkCommand();
            case "window" -> new WindowCommand();
            case "data-loss" -> new DataLossCommand();
            case "set" -> new SetCommand();
            case "add" -> new AddCommand();
            case "edit" -> new EditCommand();
            case "action" -> new ActionCommand();
            case "checklist" -> new ChecklistCommand();
            case "actions" -> new ActionsCommand();
            case "update" -> new UpdateCommand();
            case "check" -> new CheckCommand();
            case "history" -> new HistoryCommand();
            case "stats" -> new StatsCommand();
            case "report" -> new ReportCommand();
            case "postmortem" -> new PostmortemCommand();
            case "site" -> new SiteCommand();
            case "page" -> new PageCommand();
            case "notify" -> new NotifyCommand();
            case "sync" -> new SyncCommand();
            case "drill" -> new DrillCommand();
            case "serve" -> new ServeCommand();
            case "merge-file" -> new MergeFileCommand();
            case "shell" -> new ShellCommand();
            case "ingest" -> new IngestCommand();
            case "daemon" -> new DaemonCommand();
            case "help" -> new HelpCommand();
            case "completion" -> new CompletionCommand();
            case CompleteCommand.NAME -> new CompleteCommand();
            default -> null;
        };
    }

    /**
     * A command line with only the subcommand {@code only} (all of them when null). picocli builds a command's model
     * by reflection when it is added, and a one-shot run needs only the one it runs: see {@link #run}.
     */
    static CommandLine commandLine(Env env, String only) {
        RootCommand root = new RootCommand(env);
        CommandLine cl = new CommandLine(root);
        for (String name : only == null ? COMMANDS : java.util.List.of(only)) {
            Object command = newCommand(name);
            if (command != null) {
                cl.addSubcommand(name, command);
            }
        }
        if (only == null) {
            CommandGroups.install(cl);
        }
        cl.setOut(env.out());
        cl.setErr(env.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Help in plain text: both streams show escape sequences inertly (ir.env.Inert), picocli's styles included.
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, root, env));
        cl.setParameterExceptionHandler((ex, args) -> {
            String hint = ex.getCommandLine() == null ? "ir --help"
                    : ex.getCommandLine().getCommandSpec().qualifiedName() + " --help";
            env.err().println("ir: " + usageMessage(ex) + " (see '" + hint + "')");
            if (root.verbose) {
                ex.printStackTrace(env.err());
            }
            env.err().flush();
            return ExitCode.USAGE.code();
        });
        cl.setExitCodeExceptionMapper(ex -> ex instanceof IrException ie ? ie.exitCode().code()
                : ExitCode.FAILURE.code());
        return cl;
    }

    /**
     * Runs {@code ir} with {@code args}; returns the exit code. Only the subcommand named in {@code args} is built
     * (start-up matters for a one-shot CLI); without one, or with a name that is not a subcommand, all are, so help,
     * the command list and picocli's suggestions for a mistyped name stay complete.
     */
    public static int run(Env env, String... args) {
        String name = subcommandName(args);
        // ir list with many incidents: list them on the idle core while picocli and Jackson start (see Listing).
        Listing listing = "list".equals(name) ? Listing.prefetch(env, args) : null;
        CommandLine cl = name == null || WHOLE_MODEL.contains(name) ? null : commandLine(env, name);
        if (cl == null || !cl.getSubcommands().containsKey(name)) {
            cl = commandLine(env);
        }
        ((RootCommand) cl.getCommand()).listing = listing;
        int code = cl.execute(args);
        if (listing != null) {
            listing.await(); // e.g. after a usage error: never exit while it may be writing the cache
        }
        env.out().flush();
        env.err().flush();
        return code;
    }

    /** The first argument that is neither a global option nor its value: the subcommand's name, or null. */
    static String subcommandName(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            if (a.equals("-C") || a.equals("--as")) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    private static int handle(Exception ex, RootCommand root, Env env) {
        PrintWriter err = env.err();
        if (ex instanceof IrException ie) {
            err.println("ir: " + oneLine(ie.getMessage()));
            if (root.verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ie.exitCode().code();
        }
        String what = ex.getMessage() == null ? ex.getClass().getSimpleName()
                : ex.getClass().getSimpleName() + ": " + ex.getMessage();
        err.println("ir: internal error: " + oneLine(what)
                + (root.verbose ? "" : " (run again with --verbose for details, and report it)"));
        if (root.verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILURE.code();
    }

    /**
     * picocli's message, except for a mistyped command or option: "Unmatched argument at index 0: 'shwo'" says
     * neither what was wrong nor what was meant, so it becomes "unknown command 'shwo'; did you mean 'show'?".
     */
    private static String usageMessage(CommandLine.ParameterException ex) {
        String message = oneLine(ex.getMessage());
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return message;
        }
        String first = u.getUnmatched().get(0);
        CommandLine at = u.getCommandLine();
        if (at != null && at.getParent() == null && !first.startsWith("-")) {
            message = "unknown command '" + first + "'";
        }
        // picocli suggests loosely ('role' for 'frobnicate'): keep only names within a typo or two.
        java.util.List<String> suggestions = u.getSuggestions().stream()
                .filter(c -> distance(c, first) <= Math.max(2, first.length() / 4)).toList();
        if (!suggestions.isEmpty()) {
            message += "; did you mean '" + String.join("' or '", suggestions) + "'?";
        }
        return message;
    }

    /** Levenshtein distance: how many letters to change, add or remove to turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int change = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(change, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
