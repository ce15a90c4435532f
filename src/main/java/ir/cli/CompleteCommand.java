package ir.cli;

import ir.model.IrConfig;
import ir.model.Milestones;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ir __complete KIND [WORD]}: what the completion script ({@code ir completion}) asks for at TAB time, the values
 * only the workspace knows: incident IDs, severities, roles, statuses and milestones, one a line, those starting with
 * WORD (for incidents, when none does, those containing it, as {@code -i} accepts). Hidden; it runs in ir's background
 * process like any read-only command, so a TAB costs a client JVM, not a cold one. It only reads: outside a workspace,
 * or on any error, it prints nothing and exits 0, since a completion must never show an error or ask anything.
 */
@Command(name = CompleteCommand.NAME, hidden = true, description = "Print completion candidates (for 'ir completion').",
        footer = {"", "Example:", "  ir __complete incident checkout"})
public final class CompleteCommand extends IrCommand {
    static final String NAME = "__complete";

    /** The kinds of value the completion script asks for. */
    static final List<String> KINDS = List.of("incident", "severity", "role", "status", "milestone");

    @Parameters(index = "0", paramLabel = "KIND", description = "incident, severity, role, status or milestone.")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "WORD", description = "What has been typed of the value.")
    String word = "";

    @Override
    protected int run() {
        List<String> candidates;
        try {
            candidates = candidates();
        } catch (RuntimeException e) { // not in a workspace, a broken ir.yaml, ...: no candidates, no message
            return 0;
        }
        for (String c : matching(candidates, word == null ? "" : word, kind.equals("incident"))) {
            out().println(c);
        }
        return 0;
    }

    private List<String> candidates() {
        return switch (kind) {
            case "incident" -> store().ids();
            case "severity" -> config().severities().stream().map(IrConfig.Severity::name).toList();
            case "role" -> config().roles().stream().map(IrConfig.Role::name).toList();
            case "status" -> config().statuses();
            case "milestone" -> List.of(Milestones.markableNames().split(", "));
            default -> List.of();
        };
    }

    /** Those starting with {@code word}, else (when {@code substrings}) those containing it; ignoring case. */
    static List<String> matching(List<String> candidates, String word, boolean substrings) {
        String w = word.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String c : candidates) {
            if (c.toLowerCase(Locale.ROOT).startsWith(w)) {
                out.add(c);
            }
        }
        if (out.isEmpty() && substrings) {
            for (String c : candidates) {
                if (c.toLowerCase(Locale.ROOT).contains(w)) {
                    out.add(c);
                }
            }
        }
        return out;
    }
}
