package ir.cli;

import ir.model.Change;
import ir.model.CustomFields;
import ir.model.ExitCode;
import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrException;
import ir.model.Lifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ir edit}: the incident document in the user's editor, validated before it is committed. The editor comes
 * from the user's environment ({@code $VISUAL}, then {@code $EDITOR}), never from the repository, so a cloned
 * workspace cannot make ir run a program.
 */
@Command(name = "edit", description = {"Open the incident's YAML in $VISUAL or $EDITOR; when you save and quit it "
        + "is validated and committed (without a timeline event).",
        "Keys the incident file does not define and ir.yaml does not declare under 'fields:' are kept, with a "
                + "warning (a typo?).",
        "If it is invalid, or the incident changed meanwhile, nothing is committed and your edited text is kept in a "
                + "file under .git/ir/edits/ whose path is printed."},
        footer = {"", "Examples:", "  ir edit", "  EDITOR=nano ir edit -i checkout",
                "  ir edit --from .git/ir/edits/2015-10-21-checkout.k3x9ab.yaml"})
public final class EditCommand extends IrCommand {
    @Mixin
    ForceOption force;

    @Mixin
    IncidentOption incident;

    @picocli.CommandLine.Option(names = "--from", paramLabel = "FILE", description = "Start from this text instead "
            + "of the incident, e.g. an edit ir kept after refusing it.")
    Path from;

    @Override
    protected int run() throws IOException, InterruptedException {
        List<String> editor = editorCommand();
        String id = store().select(incident.incident);
        Incident original = store().load(id);
        String before = store().yaml(original);
        Path dir = store().workspace().stateDir().resolve("edits");
        Files.createDirectories(dir);
        Path file = dir.resolve(id + "." + IncidentIds.randomId().substring(0, 6) + ".yaml");
        Files.writeString(file, from == null ? before : readFrom(), StandardCharsets.UTF_8);
        String kept = " (your edit is kept: fix it with 'ir edit -i " + id + " --from " + file + "')";

        List<String> cmd = new ArrayList<>(editor);
        cmd.add(file.toString());
        int exit;
        try {
            Process p = new ProcessBuilder(cmd).directory(store().workspace().root().toFile()).inheritIO().start();
            exit = p.waitFor();
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw new IrException(ExitCode.FAILURE, "cannot start the editor '" + String.join(" ", editor) + "': "
                    + e.getMessage() + "; set $VISUAL or $EDITOR to an editor that waits until you quit");
        }
        if (exit != 0) {
            throw new IrException(ExitCode.FAILURE, "the editor exited with status " + exit + ": nothing changed"
                    + kept);
        }
        byte[] bytes = Files.readAllBytes(file);
        String after = new String(bytes, StandardCharsets.UTF_8);
        if (after.equals(before)) {
            Files.deleteIfExists(file);
            info(id + ": no changes");
            return 0;
        }
        Incident edited;
        List<String> unknown = new ArrayList<>();
        try {
            edited = store().parse(bytes, "the edited " + id);
            if (!edited.id().equals(id)) {
                throw IrException.usage("the id was changed to '" + edited.id() + "': an incident's id cannot change");
            }
            for (String key : CustomFields.undeclared(edited, config())) {
                if (!original.extra().containsKey(key)) {
                    unknown.add(key);
                }
            }
            Lifecycle.validate(edited, config());
            Lifecycle.checkEdit(original, edited, config());
        } catch (IrException e) {
            throw new IrException(e.exitCode(), "invalid: " + e.getMessage().replace(" (fix it, or restore it with "
                    + "git)", "") + "; nothing committed" + kept, e);
        }
        if (store().yaml(edited).equals(before)) {
            Files.deleteIfExists(file);
            info(id + ": no changes");
            return 0;
        }
        update(id, current -> {
            if (!store().yaml(current).equals(before)) {
                throw new IrException(ExitCode.BUSY, id + " changed while you were editing (someone else recorded "
                        + "a step): nothing committed; run 'ir edit' again and copy your changes over" + kept);
            }
            return new Change(edited, "edit", "edit");
        });
        Files.deleteIfExists(file);
        // Kept, not refused: the key may be a field a newer ir or another team's ir.yaml knows.
        for (String key : unknown) {
            warn("unknown key '" + key + "' kept as it is: ir neither uses it nor finds it under 'fields:' in "
                    + "ir.yaml (a typo? the keys are listed in docs/incident-format.md)");
        }
        info(id + ": saved");
        return 0;
    }

    private String readFrom() throws IOException {
        Path f = env().cwd().resolve(from);
        if (!Files.isRegularFile(f)) {
            throw IrException.usage("no such file for --from: " + f);
        }
        if (Files.size(f) > 8L * 1024 * 1024) {
            throw IrException.usage(f + " is too large to be an incident");
        }
        return Files.readString(f, StandardCharsets.UTF_8);
    }

    /** {@code $VISUAL}, else {@code $EDITOR}, split into words (quotes group words: "code -w", 'my editor'). */
    private List<String> editorCommand() {
        String v = env().getenv("VISUAL");
        String e = v != null ? v : env().getenv("EDITOR");
        if (e == null) {
            throw IrException.usage("no editor: set $EDITOR (or $VISUAL), e.g. export EDITOR=vi; or change fields "
                    + "with 'ir set' and 'ir add'");
        }
        List<String> words = split(e);
        if (words.isEmpty()) {
            throw IrException.usage("$EDITOR is empty: set it to your editor, e.g. export EDITOR=vi");
        }
        return words;
    }

    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return Arrays.asList(out.toArray(new String[0]));
    }
}
