package ir.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The templates shipped in the jar; {@code ir init} copies them into a workspace's {@code templates/}. */
public final class BuiltinTemplates {
    public static final String SUFFIX = ".md.mustache";
    public static final List<String> NAMES = List.of("postmortem", "update", "update-internal", "update-exec", "update-public",
            "drill-debrief");

    private BuiltinTemplates() {
    }

    /** File name (e.g. {@code postmortem.md.mustache}) to content, in {@link #NAMES} order. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : NAMES) {
            out.put(name + SUFFIX, read(name));
        }
        return out;
    }

    /** The content of a built-in template, or null when there is none by that name. */
    public static byte[] read(String name) {
        try (InputStream in = BuiltinTemplates.class.getResourceAsStream("/ir/templates/" + name + SUFFIX)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
