package ir.cli;

import ir.model.Change;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.ListField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** {@code ir add}: appends to a list of the incident document (a commit, not a timeline event). */
@Command(name = "add", description = {"Add to a list of the incident: went-well, went-wrong, got-lucky (the words "
        + "are one entry; '-' reads it from standard input), tags or links (each word is one entry).",
        "Editing the document is a commit without a timeline event; entries already there are not added again."},
        footer = {"", "Examples:", "  ir add went-well the rollback took two minutes",
                "  ir add got-lucky the on-call engineer had just reviewed the change", "  ir add tags payments eu",
                "  ir add links https://status.example.com/incidents/42"})
public final class AddCommand extends IrCommand {
    @Mixin
    ForceOption force;

    static final String FIELDS = Arrays.stream(ListField.values()).map(ListField::option)
            .collect(Collectors.joining(", "));

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "FIELD", description = "went-well, went-wrong, got-lucky, tags or links.")
    String field;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE", description = "The entry ('-' reads stdin).")
    List<String> words;

    @Override
    protected int run() {
        ListField f = ListField.parse(field);
        if (f == null) {
            throw IrException.usage("unknown list '" + field.strip() + "': use one of " + FIELDS
                    + " (text fields such as summary take 'ir set')");
        }
        List<String> entries;
        if (f == ListField.TAGS || f == ListField.LINKS) {
            entries = words.stream().map(String::strip).filter(w -> !w.isEmpty()).distinct().toList();
        } else {
            entries = List.of(TextArgs.required(words, env().in(), "the " + f.option() + " entry",
                    "say what, e.g. ir add went-well the rollback took two minutes ('-' reads standard input)"));
        }
        if (entries.isEmpty()) {
            throw IrException.usage("nothing to add: give the " + f.option() + " entry");
        }
        String id = store().select(incident.incident);
        Incident before = store().load(id);
        List<String> fresh = entries.stream().filter(e -> !before.list(f).contains(e)).toList();
        if (fresh.isEmpty()) {
            info(id + ": " + f.option() + " already " + (entries.size() == 1 ? "has it" : "has them")
                    + ": nothing changed");
            return 0;
        }
        update(id, i -> {
            List<String> next = new ArrayList<>(i.list(f));
            fresh.stream().filter(e -> !next.contains(e)).forEach(next::add);
            return new Change(i.withList(f, next), "add " + f.option() + ": " + Text.firstLine(
                    String.join(", ", fresh), 60), "add");
        });
        info(id + ": added to " + f.option());
        return 0;
    }
}
