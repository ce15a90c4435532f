package ir.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ir --help} lists the commands in sections by what a person is doing, as jbang's help does, instead of one
 * flat list of two dozen. Installed only on a command line that has every command (help, the shell), so a one-shot
 * run never loads it.
 */
final class CommandGroups {
    /** Section heading, then its commands in the order shown. Every command is in exactly one (see the tests). */
    static final Map<String, List<String>> GROUPS = groups();

    private CommandGroups() {
    }

    /**
     * Names of commands that are not on this branch yet but are being added ({@code cancel}, {@code window},
     * {@code data-loss}) are listed too: a name that is not a command is simply not shown.
     */
    private static Map<String, List<String>> groups() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("Respond", List.of("open", "use", "severity", "role", "status", "mark", "resolve", "reopen", "cancel",
                "page", "update", "shell", "ingest"));
        g.put("Document", List.of("log", "set", "add", "window", "data-loss", "action", "checklist", "edit"));
        g.put("Review", List.of("show", "list", "check", "actions", "history", "stats", "report"));
        g.put("Share", List.of("postmortem", "site", "notify", "sync"));
        g.put("Practise", List.of("drill"));
        g.put("Set up", List.of("init", "serve", "help", "completion", "daemon"));
        return g;
    }

    /** Replaces the flat command list of {@code cl} (not of its subcommands, such as 'ir action') with sections. */
    static void install(CommandLine cl) {
        UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING, help -> "");
        sections.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandGroups::render);
        usage.sectionMap(sections);
    }

    /**
     * picocli's own command table, cut into one block per command and regrouped, so every section keeps the same
     * column width and wrapping. A command's block is its first line (the name at column 2) and the indented lines
     * after it; a command in no group (a test keeps there being none) is listed last under "Other".
     */
    static String render(Help help) {
        Map<String, Help> visible = help.subcommands();
        if (visible.isEmpty()) {
            return "";
        }
        String nl = System.lineSeparator();
        Map<String, StringBuilder> blocks = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(visible.keySet());
        StringBuilder block = null;
        for (String line : help.commandList(visible).split("\\R")) {
            boolean first = line.length() > 2 && line.startsWith("  ") && line.charAt(2) != ' ';
            if (first && blocks.size() < names.size()) {
                block = new StringBuilder();
                blocks.put(names.get(blocks.size()), block);
            }
            if (block != null && !line.isEmpty()) {
                block.append(line).append(nl);
            }
        }
        StringBuilder out = new StringBuilder();
        List<String> left = new ArrayList<>(names);
        GROUPS.forEach((heading, commands) -> section(out, heading, commands, blocks, left));
        section(out, "Other", List.copyOf(left), blocks, left);
        return out.toString();
    }

    private static void section(StringBuilder out, String heading, List<String> commands,
                                Map<String, StringBuilder> blocks, List<String> left) {
        StringBuilder rows = new StringBuilder();
        for (String name : commands) {
            StringBuilder b = blocks.get(name);
            if (b != null) {
                rows.append(b);
                left.remove(name);
            }
        }
        if (rows.length() > 0) {
            out.append(System.lineSeparator()).append(heading).append(':').append(System.lineSeparator())
                    .append(rows);
        }
    }
}
