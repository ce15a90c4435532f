package ir.term;

import ir.model.ActionItem;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.ListField;
import ir.model.TextField;
import ir.model.TimelineEvent;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TAB completion in the shell: command names, then what each command takes — severities with their descriptions
 * from {@code ir.yaml}, roles, statuses, milestones, fields, people already seen in the workspace (authors and role
 * holders), incident IDs and the options of the command. Plain entries are free text and complete nothing.
 */
final class ShellCompleter implements Completer {
    private static final List<String> MILESTONES = List.of("started", "detected", "acknowledged", "mitigated",
            "resolved");
    /** Options that take a value, for commands this build does not have (their model is then unknown). */
    private static final Set<String> VALUE_OPTIONS = Set.of("-i", "--incident", "-s", "--severity", "--owner",
            "--commander", "--at", "--reason", "--type", "--due", "--link", "--as", "--as-of", "--template");

    private final Shell shell;
    private Set<String> people;

    ShellCompleter(Shell shell) {
        this.shell = shell;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        try {
            candidates(line.words(), line.wordIndex(), line.word(), candidates);
        } catch (IrException e) {
            // a broken incident file must not break typing; the prompt reports it
        }
    }

    void candidates(List<String> words, int index, String word, List<Candidate> out) {
        if (words.isEmpty() || !words.get(0).startsWith("/")) {
            return;
        }
        if (index == 0) {
            commands(out, "/");
            return;
        }
        String name = Shell.canonical(words.get(0).substring(1));
        CommandLine cmd = shell.commands().getSubcommands().get(name);
        int first = 1;
        while (cmd != null && first < index && cmd.getSubcommands().containsKey(words.get(first))) {
            cmd = cmd.getSubcommands().get(words.get(first));
            first++;
        }
        String prev = words.get(index - 1);
        switch (prev) {
            case "-i", "--incident" -> {
                incidents(out);
                return;
            }
            case "-s", "--severity" -> {
                severities(out);
                return;
            }
            case "--owner", "--commander", "--as" -> {
                people(out);
                return;
            }
            case "--type" -> {
                plain(out, name.equals("action") ? ActionItem.TYPES : TimelineEvent.LOG_TYPES);
                return;
            }
            default -> {
                if (takesValue(cmd, prev)) {
                    return;
                }
            }
        }
        if (word.startsWith("-")) {
            options(cmd, out);
            return;
        }
        int position = 0;
        for (int k = first; k < index; k++) {
            String w = words.get(k);
            if (w.startsWith("-") && w.length() > 1) {
                if (takesValue(cmd, w)) {
                    k++;
                }
            } else {
                position++;
            }
        }
        if (cmd != null && !cmd.getSubcommands().isEmpty() && first == index) {
            cmd.getSubcommands().forEach((sub, cl) -> out.add(candidate(sub, description(cl))));
            return;
        }
        switch (name) {
            case "severity" -> {
                if (position == 0) {
                    severities(out);
                }
            }
            case "role" -> {
                if (position == 0) {
                    for (IrConfig.Role r : shell.store().config().roles()) {
                        out.add(candidate(r.name(), r.title() == null || r.title().equals(r.name()) ? r.description()
                                : r.title()));
                    }
                } else if (position == 1) {
                    people(out);
                }
            }
            case "status" -> {
                if (position == 0) {
                    plain(out, shell.store().config().statuses());
                }
            }
            case "mark" -> {
                if (position == 0) {
                    plain(out, MILESTONES);
                }
            }
            case "use" -> {
                if (position == 0) {
                    incidents(out);
                }
            }
            case "set" -> {
                if (position == 0) {
                    out.add(candidate("title", null));
                    for (TextField f : TextField.values()) {
                        out.add(candidate(f.option(), null));
                    }
                }
            }
            case "add" -> {
                if (position == 0) {
                    for (ListField f : ListField.values()) {
                        out.add(candidate(f.option(), null));
                    }
                }
            }
            case "action" -> {
                if (first == 1 && index == 1) {
                    plain(out, List.of("add", "done", "set"));
                } else if ((words.get(1).equals("done") || words.get(1).equals("set")) && position == 0) {
                    actions(out);
                }
            }
            case "help" -> {
                if (position == 0) {
                    commands(out, "");
                }
            }
            default -> {
                // free text
            }
        }
    }

    private void commands(List<Candidate> out, String prefix) {
        for (Map.Entry<String, CommandLine> c : shell.commands().getSubcommands().entrySet()) {
            if (!Shell.NOT_IN_SHELL.contains(c.getKey())) {
                out.add(candidate(prefix + c.getKey(), description(c.getValue())));
            }
        }
        Shell.ALIASES.forEach((alias, target) -> {
            CommandLine cl = shell.commands().getSubcommands().get(target);
            if (cl != null && alias.length() > 1) {
                out.add(candidate(prefix + alias, description(cl)));
            }
        });
        out.add(candidate(prefix + "help", "List the commands, or show one's options."));
        out.add(candidate(prefix + "quit", "Leave the shell (Ctrl-D)."));
    }

    private static String description(CommandLine cl) {
        String[] d = cl.getCommandSpec().usageMessage().description();
        return d.length == 0 ? null : d[0];
    }

    private static boolean takesValue(CommandLine cmd, String option) {
        if (option.contains("=")) {
            return false;
        }
        if (cmd == null) {
            return VALUE_OPTIONS.contains(option);
        }
        OptionSpec o = cmd.getCommandSpec().findOption(option);
        return o != null && o.arity().max() > 0;
    }

    private static void options(CommandLine cmd, List<Candidate> out) {
        if (cmd == null) {
            return;
        }
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            if (o.hidden() || o.longestName().equals("--version")) {
                continue;
            }
            String d = o.description().length == 0 ? null : o.description()[0];
            out.add(candidate(o.longestName(), d));
        }
    }

    private void severities(List<Candidate> out) {
        for (IrConfig.Severity s : shell.store().config().severities()) {
            out.add(candidate(s.name(), s.description()));
        }
    }

    private void incidents(List<Candidate> out) {
        plain(out, shell.store().ids());
    }

    private void actions(List<Candidate> out) {
        if (shell.incident() == null) {
            return;
        }
        for (ActionItem a : shell.store().load(shell.incident()).actions()) {
            if (a.isOpen()) {
                out.add(candidate(a.id(), a.text()));
            }
        }
    }

    /** People already seen: authors of entries and holders of roles in every incident, and the user. */
    private void people(List<Candidate> out) {
        if (people == null) {
            people = People.seen(shell.store());
        }
        if (shell.incident() != null) {
            People.add(people, shell.store().load(shell.incident()));
        }
        plain(out, people);
    }

    private static void plain(List<Candidate> out, java.util.Collection<String> values) {
        values.forEach(v -> out.add(candidate(v, null)));
    }

    private static Candidate candidate(String value, String description) {
        return new Candidate(value, value, null, description, null, null, true);
    }
}
