package ir.cli;

import ir.model.Change;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.TextField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** {@code ir set}: fills a free-text field of the incident document (a commit, not a timeline event). */
@Command(name = "set", description = {"Set a text field of the incident: summary, impact, root-cause, trigger, "
        + "resolution, detection or title.",
        "The words are joined; '-' reads the text (several lines kept) from standard input. Editing the document is "
                + "a commit without a timeline event."},
        footer = {"", "Examples:", "  ir set summary Checkout failed for 40%% of EU customers for 66 minutes",
                "  ir set root-cause - < root-cause.md", "  ir set title \"Checkout outage in eu-west-1\""})
public final class SetCommand extends IrCommand {
    @Mixin
    ForceOption force;

    static final String FIELDS = Arrays.stream(TextField.values()).map(TextField::option)
            .collect(Collectors.joining(", ")) + ", title";

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "FIELD", description = "summary, impact, root-cause, trigger, resolution, "
            + "detection or title.")
    String field;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE", description = "The text ('-' reads stdin).")
    List<String> words;

    @Override
    protected int run() {
        boolean title = field.strip().equalsIgnoreCase("title");
        TextField f = title ? null : TextField.parse(field);
        if (!title && f == null) {
            throw IrException.usage("unknown field '" + field.strip() + "': use one of " + FIELDS
                    + " (lists such as went-well take 'ir add')");
        }
        String value = TextArgs.required(words, env().in(), "the value",
                "give the text, e.g. ir set summary Checkout failed for EU customers, or '-' to read it "
                        + "from standard input");
        String v = title ? value.replaceAll("\\s*\\R\\s*", " ") : value;
        String name = title ? "title" : f.option();
        String id = store().select(incident.incident);
        Incident before = store().load(id);
        if (v.equals(title ? before.title() : before.text(f))) {
            info(id + ": " + name + " is already that: nothing changed");
            return 0;
        }
        update(id, i -> new Change(title ? i.withTitle(v) : i.withText(f, v), "set " + name, "set"));
        info(id + ": " + name + " set");
        return 0;
    }
}
