package ir.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ir.model.ExitCode;
import ir.model.IrException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * The responder's own configuration, {@code $XDG_CONFIG_HOME/ir/config.yaml} (default
 * {@code $HOME/.config/ir/config.yaml}): where secrets live, never in a repository another person may have written.
 * A file that others may read is refused, as ssh refuses a readable key. The environment wins over the file.
 */
public final class UserConfig {
    private UserConfig() {
    }

    /**
     * What {@code ir serve} needs: the bearer token senders must give and PagerDuty's webhook signing secret, each
     * null when not configured.
     */
    public record ServeSecrets(String token, String pagerdutySecret) {
        @Override
        public String toString() {
            return "ServeSecrets[token=" + (token == null ? "none" : "set") + ", pagerdutySecret="
                    + (pagerdutySecret == null ? "none" : "set") + "]";
        }
    }

    /**
     * {@code IR_SERVE_TOKEN} and {@code IR_PAGERDUTY_SECRET}, else {@code serve: {token, pagerduty_secret}} of the
     * user's config file. The file is read only when the environment leaves one out.
     *
     * @param environment the command's environment (HOME, XDG_CONFIG_HOME and the two variables)
     */
    public static ServeSecrets serveSecrets(Map<String, String> environment) {
        String token = nonBlank(environment.get("IR_SERVE_TOKEN"));
        String secret = nonBlank(environment.get("IR_PAGERDUTY_SECRET"));
        if (token != null && secret != null) {
            return new ServeSecrets(token, secret);
        }
        ObjectNode doc = read(environment);
        JsonNode serve = doc == null ? null : doc.get("serve");
        if (serve != null && !serve.isNull() && !serve.isObject()) {
            throw new IrException(ExitCode.USAGE, file(environment) + ": 'serve' must be a mapping such as "
                    + "serve: {token: \"...\", pagerduty_secret: \"...\"}");
        }
        if (token == null) {
            token = text(serve, "token", environment);
        }
        if (secret == null) {
            secret = text(serve, "pagerduty_secret", environment);
        }
        return new ServeSecrets(token, secret);
    }

    /** Where one channel's messages go: its URL and (PagerDuty) routing key, each null when not configured. */
    public record Endpoint(String url, String routingKey) {
        @Override
        public String toString() {
            return "Endpoint[url=" + (url == null ? "none" : "set") + ", routingKey="
                    + (routingKey == null ? "none" : "set") + "]";
        }
    }

    /**
     * {@code IR_CHANNEL_<NAME>_URL} and {@code IR_CHANNEL_<NAME>_ROUTING_KEY}, else {@code channels: {name: {url,
     * routing_key}}} of the user's config file: the endpoint of the channel ir.yaml names {@code name}.
     */
    public static Endpoint channel(Map<String, String> environment, String name) {
        String prefix = ir.model.Channel.envPrefix(name);
        String url = nonBlank(environment.get(prefix + "URL"));
        String key = nonBlank(environment.get(prefix + "ROUTING_KEY"));
        if (url != null && key != null) {
            return new Endpoint(url, key);
        }
        ObjectNode doc = read(environment);
        JsonNode channels = doc == null ? null : doc.get("channels");
        if (channels != null && !channels.isNull() && !channels.isObject()) {
            throw new IrException(ExitCode.USAGE, file(environment) + ": 'channels' must be a mapping such as "
                    + "channels: {incidents: {url: \"https://...\"}}");
        }
        JsonNode c = channels == null ? null : channels.get(name);
        if (c != null && !c.isNull() && !c.isObject()) {
            throw new IrException(ExitCode.USAGE, file(environment) + ": channels." + name
                    + " must be a mapping such as {url: \"https://...\"}");
        }
        if (url == null) {
            url = text(c, "url", environment, "channels." + name);
        }
        if (key == null) {
            key = text(c, "routing_key", environment, "channels." + name);
        }
        if (url != null && !(url.startsWith("https://") || url.startsWith("http://"))) {
            throw IrException.usage(file(environment) + ": channels." + name + ".url must be an http(s) URL");
        }
        return new Endpoint(url, key);
    }

    /** The user's config file (it may not exist). */
    public static Path file(Map<String, String> environment) {
        String xdg = nonBlank(environment.get("XDG_CONFIG_HOME"));
        Path base;
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else {
            String home = nonBlank(environment.get("HOME"));
            base = Path.of(home != null ? home : System.getProperty("user.home")).resolve(".config");
        }
        return base.resolve("ir").resolve("config.yaml");
    }

    /**
     * Reads a secret file such as {@code ir serve --token-file}: its content without surrounding white space, refused
     * when others may read it, or when empty.
     */
    public static String secretFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw IrException.usage("no such file: " + file + " (" + what + ")");
        }
        refuseReadableByOthers(file);
        try {
            if (Files.size(file) > 64 * 1024) {
                throw IrException.usage(file + " is over 64 KiB: it should hold only the " + what);
            }
            String s = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) {
                throw IrException.usage(file + " is empty: write the " + what + " in it");
            }
            return s;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode read(Map<String, String> environment) {
        Path file = file(environment);
        if (!Files.exists(file)) {
            return null;
        }
        refuseReadableByOthers(file);
        byte[] bytes;
        try {
            if (Files.size(file) > YamlCodec.MAX_DOCUMENT_BYTES) {
                throw IrException.usage(file + " is larger than ir reads: it holds only a few settings");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        return YamlCodec.get().readObject(bytes, file.toString());
    }

    /** Refuses a file that its group or others may read or write: a secret there is no secret. */
    static void refuseReadableByOthers(Path file) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        if (Files.isSymbolicLink(file)) {
            throw IrException.usage(file + " is a symbolic link: ir reads secrets only from a file of your own");
        }
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)
                || perms.contains(PosixFilePermission.GROUP_WRITE)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw IrException.usage(file + " holds secrets but others may read or change it: run 'chmod 600 "
                    + file + "'");
        }
    }

    private static String text(JsonNode serve, String key, Map<String, String> environment) {
        return text(serve, key, environment, "serve");
    }

    private static String text(JsonNode serve, String key, Map<String, String> environment, String where) {
        JsonNode v = serve == null ? null : serve.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw IrException.usage(file(environment) + ": " + where + "." + key + " must be a quoted string");
        }
        return nonBlank(v.textValue());
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
