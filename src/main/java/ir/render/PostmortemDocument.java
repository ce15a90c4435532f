package ir.render;

import ir.model.Incident;
import ir.model.IncidentIds;
import ir.model.IrConfig;
import ir.model.IrException;
import ir.model.Postmortems;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The rendered post-mortem {@code incidents/<id>.md} and its fingerprint, for every feature that must keep it in step
 * with the incident file (rendering, review status, re-rendering after a merge).
 */
public final class PostmortemDocument {
    public static final String DEFAULT_TEMPLATE = "postmortem";

    private PostmortemDocument() {
    }

    /** A render: the incident remembering it (fingerprint, template, time) and the Markdown to write. */
    public record Rendered(Incident incident, byte[] markdown) {
    }

    /** {@code incidents/<id>.md}, relative to the workspace. */
    public static Path path(String id) {
        return Path.of("incidents", IncidentIds.validate(id) + ".md");
    }

    /** True when ir wrote {@code existing} (the file's bytes, or null when there is none) and nobody changed it since. */
    public static boolean untouched(Incident incident, byte[] existing) {
        String recorded = Postmortems.renderedSha256(incident);
        return existing != null && recorded != null && recorded.equals(fingerprint(existing));
    }

    /** Renders {@code incident} with {@code source} and records the render in it. */
    public static Rendered render(Incident incident, IrConfig config, Templates templates, Templates.Source source,
                                  Instant now) {
        byte[] md = templates.render(source, PostmortemView.of(incident, config, now))
                .getBytes(StandardCharsets.UTF_8);
        return new Rendered(Postmortems.withRendered(incident, fingerprint(md), now, source.name()), md);
    }

    /**
     * The document re-rendered from {@code incident} with the template it was last rendered with, when ir wrote the
     * current file ({@code existing}) and nobody edited it since and the render differs; empty otherwise. Call it in the
     * same store update that changes the incident (e.g. after a merge) and write both in one commit.
     *
     * @throws IrException when the template is gone or broken
     */
    public static Optional<Rendered> refresh(Incident incident, byte[] existing, IrConfig config, Templates templates,
                                             Instant now) {
        if (!untouched(incident, existing)) {
            return Optional.empty();
        }
        String name = Postmortems.renderedTemplate(incident) == null ? DEFAULT_TEMPLATE
                : Postmortems.renderedTemplate(incident);
        Rendered r = render(incident, config, templates, templates.find(name, templates.workspace()), now);
        if (fingerprint(r.markdown()).equals(fingerprint(existing))) {
            return Optional.empty();
        }
        return Optional.of(r);
    }

    /**
     * The SHA-256 of a document with CRLF line endings read as LF, so a checkout that converts line endings is not
     * taken for a hand edit.
     */
    public static String fingerprint(byte[] bytes) {
        return sha256(new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
