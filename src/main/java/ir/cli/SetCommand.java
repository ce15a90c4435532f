package ir.cli;

import ir.model.Change;
import ir.model.CustomFields;
import ir.model.IrConfig;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.TextField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code ir set}: fills a free-text field of the incident document (a commit, not a timeline event). */
@Command(name = "set", description = {"Set a text field of the incident: summary, impact, root-cause, trigger, "
        + "resolution, detection, title, type (one of ir.yaml's types: its checklist joins the incident's), or a "
        + "text field your team declares under 'fields:' in ir.yaml.",
        "The words are joined; '-' reads the text (several lines kept) from standard input. Editing the document is "
                + "a commit without a timeline event."},
        footer = {"", "Examples:", "  ir set summary Checkout failed for 40%% of EU customers for 66 minutes",
                "  ir set root-cause - < root-cause.md", "  ir set title \"Checkout outage in eu-west-1\"",
                "  ir set type security",
                "  ir set database-setup One primary, no replica in a second region"})
public final class SetCommand extends IrCommand {
    @Mixin
    ForceOption force;

    static final String FIELDS = Arrays.stream(TextField.values()).map(TextField::option)
            .collect(Collectors.joining(", ")) + ", title, type";

    @Mixin
    IncidentOption incident;

    @Parameters(index = "0", paramLabel = "FIELD", description = "summary, impact, root-cause, trigger, resolution, "
            + "detection, title, type, or a declared text field.")
    String field;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE", description = "The text ('-' reads stdin).")
    List<String> words;

    @Override
    protected int run() {
        if (field.strip().equalsIgnoreCase("type")) {
            return setType();
        }
        boolean title = field.strip().equalsIgnoreCase("title");
        TextField f = title ? null : TextField.parse(field);
        if (!title && f == null) {
            return setCustom(customField());
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

    /**
     * {@code ir set type TYPE}: the incident's type (ir.yaml {@code types:}); its checklist steps join the incident's,
     * due from now. The severity stays: a type's default severity applies only when declaring.
     */
    private int setType() {
        String name = TextArgs.joined(words, "the type");
        IrConfig.IncidentType t = config().type(name);
        String id = store().select(incident.incident);
        if (t.name().equals(store().load(id).type())) {
            info(id + ": type is already " + t.name() + ": nothing changed");
            return 0;
        }
        java.time.Instant now = clock().instant();
        update(id, i -> new Change(ir.model.Checklists.apply(i.withType(t.name()), config(), now), "set type "
                + t.name(), "set"));
        info(id + ": type set to " + t.name());
        return 0;
    }

    /** The declared text field {@code field}, or a usage error that lists every field ir set takes. */
    private IrConfig.Field customField() {
        Optional<IrConfig.Field> custom = config().findField(field);
        if (custom.isPresent() && custom.get().kind() == IrConfig.Field.Kind.TEXT) {
            return custom.get();
        }
        if (custom.isPresent()) {
            throw IrException.usage(custom.get().option() + " is a list field (ir.yaml): add entries with 'ir add "
                    + custom.get().option() + " TEXT...'");
        }
        String declared = CustomFields.describe(config(), IrConfig.Field.Kind.TEXT);
        throw IrException.usage("unknown field '" + field.strip() + "': use one of " + FIELDS
                + (declared.isEmpty() ? "" : ", " + declared) + " (lists such as went-well take 'ir add'"
                + (declared.isEmpty() ? "; a team adds its own fields under 'fields:' in ir.yaml" : "") + ")");
    }

    private int setCustom(IrConfig.Field f) {
        String value = TextArgs.required(words, env().in(), "the value",
                "give the text, e.g. ir set " + f.option() + " TEXT..., or '-' to read it from standard input");
        String id = store().select(incident.incident);
        if (value.equals(CustomFields.text(store().load(id), f))) {
            info(id + ": " + f.option() + " is already that: nothing changed");
            return 0;
        }
        update(id, i -> new Change(CustomFields.withText(i, f, value), "set " + f.option(), "set"));
        info(id + ": " + f.option() + " set");
        return 0;
    }
}
