package ir.store;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.model.IrException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The codec builds and writes trees without databind's ObjectMapper (for start-up time); it must read and write
 * exactly what databind would, on the same configured factory.
 */
class YamlCodecTest {
    static final String DOC = """
            schema: 1
            id: 2026-11-28-checkout
            title: "Checkout: latency 'spike' #1"
            drill: false
            big: 12345678901234
            bigger: 123456789012345678901234567890
            ratio: 0.25
            nothing: null
            yes_string: "yes"
            zero_padded: "007"
            date_like: 2026-11-28T10:00:00Z
            empty_list: []
            empty_map: {}
            summary: |-
              Two lines,
              the second with ünïcödé and a tab\there.
            roles:
              commander: Alice <alice@example.com>
              sme:
                - Bob <bob@example.com>
                - Carol <carol@example.com>
            timeline:
              - id: abc123
                at: 2026-11-28T10:00:00Z
                important: true
                nested: {a: [1, 2, {b: c}]}
            """;

    final YamlCodec codec = YamlCodec.get();
    final ObjectMapper databindYaml = new ObjectMapper(codec.yamlFactory());

    @Test
    void readsTheSameTreeAsDatabind() throws Exception {
        byte[] bytes = DOC.getBytes(StandardCharsets.UTF_8);

        JsonNode ours = codec.readObject(bytes, "doc.yaml");

        assertThat(ours).isEqualTo(databindYaml.readTree(bytes));
    }

    @Test
    void writesTheSameYamlAndJsonAsDatabind() throws Exception {
        JsonNode tree = databindYaml.readTree(DOC.getBytes(StandardCharsets.UTF_8));

        String yaml = new String(codec.writeYaml(tree), StandardCharsets.UTF_8);
        String json = codec.writeJson(tree);

        String expectedYaml = databindYaml.writeValueAsString(tree);
        assertThat(yaml).isEqualTo(expectedYaml.endsWith("\n") ? expectedYaml : expectedYaml + "\n");
        assertThat(json).isEqualTo(new ObjectMapper().writer(new DefaultPrettyPrinter()
                .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE)).writeValueAsString(tree));
        assertThat(codec.readObject(codec.writeYaml(tree), "again.yaml")).isEqualTo(tree);
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        byte[] deep = ("x: " + "[".repeat(YamlCodec.MAX_DEPTH + 5) + "]".repeat(YamlCodec.MAX_DEPTH + 5) + "\n")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.readObject(deep, "deep.yaml")).isInstanceOf(IrException.class)
                .hasMessageStartingWith("deep.yaml ");
    }

    @Test
    void aValueOfMegabytesWithoutASpaceIsRefusedAtOnceNotScannedForSeconds() {
        // A hostile clone's incident: one 7 MiB quoted scalar took SnakeYAML 11-14 s to scan.
        String doc = "schema: 1\nid: 2026-11-28-big\nattachment: \"" + "x".repeat(7 * 1024 * 1024) + "\"\n";
        long start = System.nanoTime();
        assertThatThrownBy(() -> YamlCodec.get().readObject(doc.getBytes(StandardCharsets.UTF_8),
                "incidents/2026-11-28-big.yaml"))
                .isInstanceOf(IrException.class)
                .hasMessage("incidents/2026-11-28-big.yaml line 3 has more than 1024 KiB without a space or line "
                        + "break, which ir never writes: remove that value, or restore the file with git");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(2));
        // the longest value ir writes (64 Ki characters, 4 bytes each) is far inside the limit and still reads
        String longest = "schema: 1\nid: 2026-11-28-ok\ntext: \"" + "\u65e5".repeat(64 * 1024) + "\"\n";
        assertThat(YamlCodec.get().readObject(longest.getBytes(StandardCharsets.UTF_8), "ok.yaml").get("text")
                .asText()).hasSize(64 * 1024);
    }
}
