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
}
