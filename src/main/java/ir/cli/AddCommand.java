package ir.cli;

import ir.model.Change;
import ir.model.CustomFields;
import ir.model.IrConfig;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.ListField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code ir add}: appends to a list of the incident document (a commit, not a timeline event). */
@Command(name = "add", description = {"Add to a list of the incident: went-well, went-wrong, got-lucky (the words "
        + "are one entry; '-' reads it from standard input), tags or links (each word is one entry), or a list field "
        + "your team declares under 'fields:' in ir.yaml (the words are one entry).",
        "Editing the document is a commit without a timeline event; entries already there are not added again."},
        footer = {"", "Examples:", "  ir add went-well the rollback took two minutes",
                "  ir add got-lucky the on-call engineer had just reviewed the change", "  ir add tags payments eu",
                "  ir add links https://status.example.com/incidents/42",
                "  ir add broken-recovery-procedures the restore runbook named a retired host"})
public final class AddCommand extends IrCommand {
    @Mixin
    ForceOption force;

    static final String FIELDS = Arrays.stream(ListField.values()).map(ListField::option)
            .collect(Collectors.joining(", "));

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "FIELD", description = "went-well, went-wrong, got-lucky, tags, links, or a "
            + "declared list field.")
    String field;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE", description = "The entry ('-' reads stdin).")
    List<String> words;

    @Override
    protected int run() {
        ListField f = ListField.parse(field);
        if (f == null) {
            return addCustom(customField());
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

    /** The declared list field {@code field}, or a usage error that lists every list ir add takes. */
    private IrConfig.Field customField() {
        Optional<IrConfig.Field> custom = config().findField(field);
        if (custom.isPresent() && custom.get().kind() == IrConfig.Field.Kind.LIST) {
            return custom.get();
        }
        if (custom.isPresent()) {
            throw IrException.usage(custom.get().option() + " is a text field (ir.yaml): set it with 'ir set "
                    + custom.get().option() + " TEXT...'");
        }
        String declared = CustomFields.describe(config(), IrConfig.Field.Kind.LIST);
        throw IrException.usage("unknown list '" + field.strip() + "': use one of " + FIELDS
                + (declared.isEmpty() ? "" : ", " + declared) + " (text fields such as summary take 'ir set'"
                + (declared.isEmpty() ? "; a team adds its own fields under 'fields:' in ir.yaml" : "") + ")");
    }

    private int addCustom(IrConfig.Field f) {
        String entry = TextArgs.required(words, env().in(), "the " + f.option() + " entry",
                "say what, e.g. ir add " + f.option() + " TEXT... ('-' reads standard input)");
        String id = store().select(incident.incident);
        if (CustomFields.list(store().load(id), f).contains(entry)) {
            info(id + ": " + f.option() + " already has it: nothing changed");
            return 0;
        }
        store().update(id, i -> {
            List<String> next = new ArrayList<>(CustomFields.list(i, f));
            if (!next.contains(entry)) {
                next.add(entry);
            }
            return new Change(CustomFields.withList(i, f, next), "add " + f.option() + ": "
                    + Text.firstLine(entry, 60), "add");
        });
        info(id + ": added to " + f.option());
        return 0;
    }
}
