package ir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.model.IrException;
import ir.store.AlertIntake;
import ir.store.IncidentStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small but real {@link AlertIntake} for testing the receiver apart from the alert formats: a payload must be a JSON
 * object; its group is {@code group} (else {@code groupKey}, else PagerDuty's {@code event.data.id}, else
 * {@code default}); recording writes {@code alert-<group>-<sha-256 of the body>.json} and commits each group's new
 * files in one commit per {@link #record} call, so recording the same payload again changes nothing, as the contract
 * asks.
 */
public final class FileIntake implements AlertIntake {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final IncidentStore store;

    public FileIntake(IncidentStore store) {
        this.store = store;
    }

    @Override
    public void check(Payload payload) {
        group(payload);
    }

    @Override
    public List<Outcome> record(List<Payload> payloads) {
        Map<String, Map<Path, byte[]>> byGroup = new LinkedHashMap<>();
        for (Payload p : payloads) {
            String group = group(p);
            Path rel = file(group, p.body());
            byte[] now = read(store.workspace().root().resolve(rel));
            if (now == null || !Arrays.equals(now, p.body())) {
                byGroup.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(rel, p.body());
            }
        }
        List<Outcome> out = new ArrayList<>();
        for (Map.Entry<String, Map<Path, byte[]>> g : byGroup.entrySet()) {
            String id = "alert-" + g.getKey();
            store.commitFiles(id, g.getValue(), "recorded " + g.getValue().size() + " alerts", "alert");
            out.add(new Outcome(id, "added " + g.getValue().size() + " alerts", true));
        }
        return out;
    }

    /**
     * Where the test intake records a payload of {@code group}: in the workspace's top directory, one of those whose
     * temporary files a crash may leave the store cleans up (see ir.store.Recovery), as it does for incident files.
     */
    public static Path file(String group, byte[] body) {
        return Path.of("alert-" + group + "-" + sha256(body).substring(0, 24) + ".json");
    }

    /** The group of a payload, as this intake reads it; a usage error when it is not a JSON object. */
    public static String group(Payload p) {
        JsonNode n;
        try {
            n = JSON.readTree(p.body());
        } catch (IOException e) {
            throw IrException.usage("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw IrException.usage("a payload must be a JSON object");
        }
        String g = n.path("group").asText(n.path("groupKey").asText(n.path("event").path("data").path("id")
                .asText("default")));
        g = g.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return g.isEmpty() ? "default" : g;
    }

    private static byte[] read(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
