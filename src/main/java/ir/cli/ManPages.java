package ir.cli;

import ir.env.Env;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The manual pages, one per visible command and subcommand ({@code ir.1}, {@code ir-log.1}, {@code ir-action-add.1},
 * ...), written in roff (the man macros) from the command model: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXAMPLES (the
 * examples of the command's help) and SEE ALSO. Run by the build ({@code package}, see pom.xml) as
 * {@code ManPages DIR}; install.sh installs them.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ManPages DIR VERSION");
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> page : pages(model(), args[1]).entrySet()) {
            Files.writeString(dir.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** The whole command line, as help sees it. */
    static CommandLine model() {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        return Cli.commandLine(new Env(none, none, InputStream.nullInputStream(), Clock.systemUTC(), Path.of("."),
                Map.of(), false));
    }

    /** File name ({@code ir-action-add.1}) to page, parents first. */
    static Map<String, String> pages(CommandLine root, String version) {
        Map<String, String> pages = new LinkedHashMap<>();
        new CompletionScript(root).commands().forEach((path, spec) -> pages.put(name(path) + ".1",
                page(path, spec, version)));
        return pages;
    }

    /** {@code ir}, {@code ir-log}, {@code ir-action-add}. */
    static String name(String path) {
        return path.isEmpty() ? "ir" : "ir-" + path.replace(' ', '-');
    }

    /** The first line of every page: install.sh removes only the pages that start with it. */
    static final String MARKER = ".\\\" ir manual page, generated from ir's commands by its build";

    /** What ir.1 shows as examples: the first steps. */
    static final List<String> FIRST_STEPS = List.of("  ir init incident-response && cd incident-response",
            "  ir open Checkout latency spike --severity SEV-2", "  ir log rolled back the config push",
            "  ir show", "  ir list --open", "  ir help log");

    static String page(String path, CommandSpec spec, String version) {
        String name = name(path);
        String command = path.isEmpty() ? "ir" : "ir " + path;
        Roff r = new Roff();
        r.raw(MARKER);
        r.macro("TH", name.toUpperCase(Locale.ROOT), "1", "", ("ir " + version).strip(), "ir manual");
        r.macro("SH", "NAME");
        r.text(name + " - " + stripPeriod(firstLine(spec)));

        r.macro("SH", "SYNOPSIS");
        r.raw(synopsis(command, spec));

        r.macro("SH", "DESCRIPTION");
        List<String> description = lines(spec.usageMessage().description());
        boolean first = true;
        for (String line : description) {
            if (line.isBlank()) {
                continue;
            }
            if (!first) {
                r.macro("PP");
            }
            r.text(line);
            first = false;
        }
        Footer footer = footer(spec);
        if (path.isEmpty() && footer.examples.isEmpty()) {
            footer.examples.add(FIRST_STEPS);
        }
        footer.notes.forEach(block -> block(r, block));
        if (path.isEmpty()) {
            commandList(r, spec);
        } else if (!CompletionScript.visibleSubcommands(spec).isEmpty()) {
            r.macro("SS", "Commands");
            spec.subcommands().forEach((sub, cl) -> {
                if (!cl.getCommandSpec().usageMessage().hidden()) {
                    r.macro("TP");
                    r.raw("\\fB" + Roff.escape(command + " " + sub) + "\\fR");
                    r.text(firstLine(cl.getCommandSpec()));
                }
            });
        }

        r.macro("SH", "OPTIONS");
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                r.macro("TP");
                r.raw("\\fI" + Roff.escape(p.paramLabel()) + "\\fR" + (p.arity().max() > 1 ? "..." : ""));
                r.text(String.join(" ", lines(p.description())));
            }
        }
        for (OptionSpec o : CompletionScript.visibleOptions(spec)) {
            r.macro("TP");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + Roff.escape(n) + "\\fR");
            }
            r.raw(String.join(", ", names) + (o.arity().max() > 0 ? " \\fI" + Roff.escape(o.paramLabel()) + "\\fR"
                    : ""));
            r.text(String.join(" ", lines(o.description())));
        }

        if (!footer.examples.isEmpty()) {
            r.macro("SH", "EXAMPLES");
            footer.examples.forEach(block -> block(r, block));
        }

        r.macro("SH", "SEE ALSO");
        List<String> see = new ArrayList<>();
        if (!path.isEmpty()) {
            see.add("ir");
            int space = path.lastIndexOf(' ');
            if (space > 0) {
                see.add(name(path.substring(0, space)));
            }
        }
        for (String sub : CompletionScript.visibleSubcommands(spec)) {
            see.add(name(path.isEmpty() ? sub : path + " " + sub));
        }
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < see.size(); i++) {
            refs.add("\\fB" + Roff.escape(see.get(i)) + "\\fR(1)" + (i < see.size() - 1 ? "," : ""));
        }
        r.raw(String.join("\n", refs));
        if (path.isEmpty()) {
            r.macro("PP");
            r.text("'ir help COMMAND' and 'ir COMMAND --help' show the same text as these pages; 'ir completion' "
                    + "prints the shell completion script.");
        }
        return r.toString();
    }

    /** ir.1 lists the commands in the sections of 'ir --help'. */
    private static void commandList(Roff r, CommandSpec spec) {
        Map<String, CommandLine> subs = spec.subcommands();
        List<String> left = new ArrayList<>(CompletionScript.visibleSubcommands(spec));
        Map<String, List<String>> groups = new LinkedHashMap<>(CommandGroups.GROUPS);
        groups.put("Other", left);
        groups.forEach((heading, names) -> {
            List<String> here = names.stream().filter(left::contains).toList();
            if (here.isEmpty()) {
                return;
            }
            r.macro("SS", heading);
            for (String sub : here) {
                r.macro("TP");
                r.raw("\\fBir " + Roff.escape(sub) + "\\fR");
                r.text(firstLine(subs.get(sub).getCommandSpec()));
            }
            left.removeAll(here);
        });
    }

    private static void block(Roff r, List<String> block) {
        boolean indented = block.get(0).startsWith(" ");
        if (indented) {
            r.macro("PP");
            r.macro("RS", "4");
            r.macro("nf");
            for (String line : block) {
                r.raw(Roff.escape(line.strip()));
            }
            r.macro("fi");
            r.macro("RE");
        } else {
            r.macro("PP");
            block.forEach(r::text);
        }
    }

    /** A command's footer: notes (text before the examples) and examples, each as blocks of lines. */
    private record Footer(List<List<String>> notes, List<List<String>> examples) {
    }

    /**
     * Cuts the footer into blocks: runs of indented lines (commands) and of plain lines (text); from a line that starts
     * with "Example" on, the blocks are examples (that line itself is left out: the section has the heading).
     */
    private static Footer footer(CommandSpec spec) {
        List<List<String>> notes = new ArrayList<>();
        List<List<String>> examples = new ArrayList<>();
        List<List<String>> into = notes;
        List<String> block = null;
        boolean blockIndented = false;
        for (String line : lines(spec.usageMessage().footer())) {
            if (line.isBlank()) {
                block = null;
                continue;
            }
            if (line.startsWith("Example")) {
                into = examples;
                block = null;
                String rest = line.replaceFirst("^Examples?:?", "").strip();
                if (!rest.isEmpty() && !rest.equals(":")) {
                    // "Example (git config, set up by 'ir init'):" keeps what it says
                    into.add(new ArrayList<>(List.of(rest.replaceFirst("^\\((.*)\\):?$", "$1").strip() + ":")));
                }
                continue;
            }
            if (line.startsWith("Run 'ir COMMAND --help'")) {
                continue; // the root's pointer to help: SEE ALSO says it for a page
            }
            boolean indented = line.startsWith(" ");
            if (block == null || indented != blockIndented) {
                block = new ArrayList<>();
                into.add(block);
                blockIndented = indented;
            }
            block.add(line);
        }
        return new Footer(notes, examples);
    }

    private static String firstLine(CommandSpec spec) {
        for (String line : lines(spec.usageMessage().description())) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    private static String stripPeriod(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Help text lines as picocli shows them: {@code %n} a line break, {@code %%} a percent sign. */
    static List<String> lines(String[] text) {
        List<String> out = new ArrayList<>();
        for (String t : text) {
            String s;
            try {
                s = String.format(Locale.ROOT, t);
            } catch (java.util.IllegalFormatException e) {
                s = t;
            }
            out.addAll(List.of(s.split("\\R", -1)));
        }
        return out;
    }

    /** {@code ir log [-i ID] [--at TIME] ... TEXT...}, names in bold and values in italics. */
    private static String synopsis(String command, CommandSpec spec) {
        List<String> parts = new ArrayList<>();
        parts.add("\\fB" + Roff.escape(command) + "\\fR");
        for (OptionSpec o : CompletionScript.visibleOptions(spec)) {
            String name = o.names()[0];
            String value = o.arity().max() > 0 ? "\\ \\fI" + Roff.escape(o.paramLabel()) + "\\fR" : "";
            String one = "\\fB" + Roff.escape(name) + "\\fR" + value;
            parts.add((o.required() ? one : "[" + one + "]") + (o.isMultiValue() ? "..." : ""));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                String one = "\\fI" + Roff.escape(p.paramLabel()) + "\\fR" + (p.arity().max() > 1 ? "..." : "");
                parts.add(p.arity().min() == 0 ? "[" + one + "]" : one);
            }
        }
        if (!CompletionScript.visibleSubcommands(spec).isEmpty()) {
            parts.add("\\fICOMMAND\\fR");
        }
        return String.join("\n", parts);
    }

    /** A roff document being written: macro lines and text lines, every text escaped. */
    static final class Roff {
        private final StringBuilder out = new StringBuilder();

        void macro(String name, String... args) {
            out.append('.').append(name);
            for (String a : args) {
                out.append(' ').append('"').append(escape(a).replace("\"", "\\(dq")).append('"');
            }
            out.append('\n');
        }

        /** Text to be filled: escaped, leading spaces dropped (they would break the line). */
        void text(String s) {
            raw(escape(s.strip()));
        }

        /** Lines already in roff; each made safe to start a line (a '.' or '\'' there would make it a request). */
        void raw(String s) {
            for (String line : s.split("\n", -1)) {
                if ((line.startsWith(".") || line.startsWith("'")) && !line.equals(MARKER)) {
                    out.append("\\&");
                }
                out.append(line).append('\n');
            }
        }

        /**
         * {@code s} as roff text: a backslash printed as one ({@code \e}), a hyphen as a minus sign ({@code \-}, as
         * in options to type), a character outside ASCII by its code ({@code \[u2192]}), and a control character
         * dropped.
         */
        static String escape(String s) {
            StringBuilder b = new StringBuilder();
            s.codePoints().forEach(c -> {
                if (c == '\\') {
                    b.append("\\e");
                } else if (c == '-') {
                    b.append("\\-");
                } else if (c > 126) {
                    b.append(String.format(Locale.ROOT, "\\[u%04X]", c));
                } else if (c >= 32 || c == '\t') {
                    b.appendCodePoint(c == '\t' ? ' ' : c);
                }
            });
            return b.toString();
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
