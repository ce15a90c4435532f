package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.ExitCode;
import ir.model.IrConfig;
import ir.model.IrException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code ir.yaml}. Missing sections fall back to the defaults that {@code ir init} writes. */
final class ConfigCodec {
    static final String DEFAULT_RESOURCE = "/ir/default-ir.yaml";

    private ConfigCodec() {
    }

    static byte[] defaultBytes() {
        try (InputStream in = ConfigCodec.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IrException(ExitCode.FAILURE, "built-in ir.yaml is missing from the ir jar: reinstall ir");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read the built-in ir.yaml: " + e.getMessage(), e);
        }
    }

    static IrConfig parse(byte[] bytes, String name) {
        ObjectNode n = YamlCodec.get().readObject(bytes, name);
        IrConfig defaults = null;
        List<IrConfig.Severity> severities = new ArrayList<>();
        for (JsonNode s : n.path("severities")) {
            String sevName = s.isObject() ? s.path("name").asText(null) : s.asText(null);
            if (sevName == null || sevName.isBlank()) {
                throw new IrException(ExitCode.USAGE, name + ": every severity needs a 'name'");
            }
            severities.add(new IrConfig.Severity(sevName.trim(), s.path("description").asText(""),
                    s.path("major").asBoolean(false)));
        }
        List<IrConfig.Role> roles = new ArrayList<>();
        for (JsonNode r : n.path("roles")) {
            String roleName = r.isObject() ? r.path("name").asText(null) : r.asText(null);
            if (roleName == null || roleName.isBlank()) {
                throw new IrException(ExitCode.USAGE, name + ": every role needs a 'name'");
            }
            roles.add(new IrConfig.Role(roleName.trim(), r.path("title").asText(roleName.trim()),
                    r.path("description").asText(""), r.path("multiple").asBoolean(false)));
        }
        List<String> statuses = new ArrayList<>();
        for (JsonNode s : n.path("statuses")) {
            String st = s.isObject() ? s.path("name").asText(null) : s.asText(null);
            if (st != null && !st.isBlank()) {
                statuses.add(st.trim());
            }
        }
        List<String> required = new ArrayList<>();
        for (JsonNode s : n.path("postmortem").path("required_for")) {
            required.add(s.asText());
        }
        if (severities.isEmpty() || roles.isEmpty() || statuses.isEmpty() || !n.has("postmortem")) {
            defaults = parse(defaultBytes(), "built-in ir.yaml");
        }
        String def = n.path("default_severity").asText(null);
        IrConfig c = new IrConfig(def,
                severities.isEmpty() ? defaults.severities() : severities,
                roles.isEmpty() ? defaults.roles() : roles,
                statuses.isEmpty() ? defaults.statuses() : statuses,
                n.has("postmortem") ? required : defaults.postmortemRequiredFor());
        if (def == null) {
            def = c.severities().get(c.severities().size() / 2).name();
        } else if (c.findSeverity(def).isEmpty()) {
            throw new IrException(ExitCode.USAGE, name + ": default_severity '" + def + "' is not one of "
                    + c.severityNames());
        }
        return new IrConfig(def, c.severities(), c.roles(), c.statuses(), c.postmortemRequiredFor());
    }
}
