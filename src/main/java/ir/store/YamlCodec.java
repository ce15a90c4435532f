package ir.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import ir.model.ExitCode;
import ir.model.IrException;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The one place that turns bytes into YAML/JSON trees and back. Input is bounded: size, nesting depth and string
 * length are limited and anchors/aliases are refused outright (incident files never need them), so a hostile file in
 * a cloned repository cannot make {@code ir} expand without bound.
 */
final class YamlCodec {
    /** Larger than any real incident (10,000 events of 500 characters), far smaller than memory. */
    static final int MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
    static final int MAX_DEPTH = 32;

    private static volatile YamlCodec instance;

    /*
     * No ObjectMapper on the hot path: creating one and reading a tree through databind cost about 85 ms of CPU on a
     * cold JVM (measured: 135 ms vs 50 ms to parse one incident), more than the rest of `ir log`'s YAML work. Trees
     * are built from the streaming parser and written by walking them, which is all ir needs.
     */
    private final YAMLFactory yaml;
    private final JsonFactory json = new JsonFactory();

    private YamlCodec() {
        LoaderOptions loader = new LoaderOptions();
        loader.setMaxAliasesForCollections(10);
        loader.setNestingDepthLimit(MAX_DEPTH);
        loader.setCodePointLimit(MAX_DOCUMENT_BYTES);
        loader.setAllowDuplicateKeys(false);
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_DOCUMENT_BYTES)
                .maxDocumentLength(MAX_DOCUMENT_BYTES)
                .build();
        YAMLFactory factory = new TagAwareFactory(YAMLFactory.builder()
                .loaderOptions(loader)
                .streamReadConstraints(limits)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .stringQuotingChecker(new ExactStrings()));
        yaml = factory;
    }

    /** Created on first use: commands that never touch YAML pay nothing for Jackson. */
    static YamlCodec get() {
        YamlCodec c = instance;
        if (c == null) {
            synchronized (YamlCodec.class) {
                c = instance;
                if (c == null) {
                    c = new YamlCodec();
                    instance = c;
                }
            }
        }
        return c;
    }

    /** The configured YAML factory (tests compare this codec with databind on it). */
    YAMLFactory yamlFactory() {
        return yaml;
    }

    static ObjectNode newObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode newArray() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /**
     * The longest run of bytes without a space or line break a file may hold. SnakeYAML's scanner copies its
     * look-ahead once per KiB of such a run, so its time grows with the square of the run's length (an 8 MiB run takes
     * seconds); ir never writes more than 64 Ki characters of text in one value (at most 384 KiB as YAML escapes).
     */
    static final int MAX_RUN_BYTES = 1024 * 1024;

    private static void refuseLongRuns(byte[] bytes, String name) {
        int run = 0;
        int line = 1;
        for (byte b : bytes) {
            if (b == '\n') {
                line++;
                run = 0;
            } else if (b == ' ' || b == '\t' || b == '\r') {
                run = 0;
            } else if (++run > MAX_RUN_BYTES) {
                throw new IrException(ExitCode.FAILURE, name + " line " + line + " has more than "
                        + (MAX_RUN_BYTES / 1024) + " KiB without a space or line break, which ir never writes: "
                        + "remove that value, or restore the file with git");
            }
        }
    }

    /** Parses a YAML mapping; {@code name} is used in error messages. */
    ObjectNode readObject(byte[] bytes, String name) {
        if (bytes.length > MAX_DOCUMENT_BYTES) {
            throw new IrException(ExitCode.FAILURE, name + " is " + (bytes.length / (1024 * 1024)) + " MiB, over "
                    + "the " + (MAX_DOCUMENT_BYTES / (1024 * 1024)) + " MiB limit for one file: split or trim it");
        }
        refuseLongRuns(bytes, name);
        try (JsonParser p = new NoAliases(yaml.createParser(bytes))) {
            JsonNode node = p.nextToken() == null ? null : readTree(p, 0);
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw new IrException(ExitCode.FAILURE, name + " is empty: restore it from git ('git checkout -- "
                        + name + "') or delete it");
            }
            if (!node.isObject()) {
                throw new IrException(ExitCode.FAILURE, name + " is not a YAML mapping: restore it from git");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw invalid(name, e.getLocation(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot read " + name + ": " + e.getMessage(), e);
        } catch (TagFound e) {
            throw new IrException(ExitCode.FAILURE, name + " uses the YAML tag '" + e.tag + "' at line " + e.line
                    + ", which ir cannot keep when it rewrites the file: remove it (ir's files never need tags)");
        } catch (AliasFound e) {
            throw new IrException(ExitCode.FAILURE, name + " uses a YAML anchor or alias at line " + e.line
                    + ", which incident files never need: remove it (a cloned repository may be hostile)");
        } catch (RuntimeException e) {
            if (e instanceof IrException) {
                throw e;
            }
            // SnakeYAML reports its limits (code points, nesting, aliases) as unchecked exceptions.
            throw new IrException(ExitCode.FAILURE, name + " is not valid YAML: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The line of the key at {@code path} (top-level key first) in a document {@link #readObject} has accepted, or 0
     * when it is not there. Only for error messages: it parses the document again.
     */
    int lineOf(byte[] bytes, String... path) {
        try (JsonParser p = yaml.createParser(bytes)) {
            int depth = 0;
            int matched = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> {
                        depth--;
                        if (depth < matched) {
                            return 0;
                        }
                    }
                    case FIELD_NAME -> {
                        if (depth == matched + 1 && p.currentName().equals(path[matched])) {
                            matched++;
                            if (matched == path.length) {
                                return p.currentTokenLocation().getLineNr();
                            }
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /**
     * The line of the value at {@code path}: keys ({@code String}) and list positions ({@code Integer}, from 0), top
     * level first ({@code "roles", 0, "checklist", 2}); 0 when it is not there. Only for error messages.
     */
    int lineAt(byte[] bytes, Object... path) {
        try (JsonParser p = yaml.createParser(bytes)) {
            JsonToken t = p.nextToken();
            int line = 0;
            for (Object step : path) {
                if (step instanceof String key) {
                    if (t != JsonToken.START_OBJECT) {
                        return line;
                    }
                    boolean found = false;
                    for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                        if (p.currentName().equals(key)) {
                            line = p.currentTokenLocation().getLineNr();
                            t = p.nextToken();
                            found = true;
                            break;
                        }
                        p.nextToken();
                        p.skipChildren();
                    }
                    if (!found) {
                        return line;
                    }
                } else {
                    int index = (Integer) step;
                    if (t != JsonToken.START_ARRAY) {
                        return line;
                    }
                    t = p.nextToken();
                    for (int j = 0; j < index && t != JsonToken.END_ARRAY; j++) {
                        p.skipChildren();
                        t = p.nextToken();
                    }
                    if (t == null || t == JsonToken.END_ARRAY) {
                        return line;
                    }
                    line = p.currentTokenLocation().getLineNr();
                }
            }
            return line;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The line of each item of the top-level list at {@code key} in a document {@link #readObject} has accepted (0 for
     * an item whose line is unknown). Only for messages: it parses the document again.
     */
    java.util.List<Integer> itemLines(byte[] bytes, String key) {
        java.util.List<Integer> lines = new java.util.ArrayList<>();
        try (JsonParser p = yaml.createParser(bytes)) {
            int depth = 0;
            boolean inList = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (inList && depth == 2 && t != JsonToken.END_ARRAY) {
                    lines.add(p.currentTokenLocation().getLineNr());
                }
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        depth++;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        depth--;
                        if (inList && depth < 2) {
                            return lines;
                        }
                    }
                    case FIELD_NAME -> {
                        if (depth == 1 && p.currentName().equals(key)) {
                            JsonToken v = p.nextToken();
                            if (v != JsonToken.START_ARRAY) {
                                return lines;
                            }
                            depth++;
                            inList = true;
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            return lines;
        }
        return lines;
    }

    /** The value at the parser's current token, as databind's {@code readTree} would build it. */
    private static JsonNode readTree(JsonParser p, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new StreamConstraintsException("nesting deeper than " + MAX_DEPTH + " levels");
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = nodes.objectNode();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    p.nextToken();
                    o.set(name, readTree(p, depth + 1));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = nodes.arrayNode();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    if (v == null) {
                        throw new JsonParseException(p, "unexpected end of input in a list");
                    }
                    a.add(readTree(p, depth + 1));
                }
                return a;
            }
            case VALUE_STRING -> {
                return nodes.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> nodes.numberNode(p.getIntValue());
                    case LONG -> nodes.numberNode(p.getLongValue());
                    default -> nodes.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL ? nodes.numberNode(p.getDecimalValue())
                        : nodes.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            case VALUE_EMBEDDED_OBJECT -> {
                Object v = p.getEmbeddedObject();
                return v instanceof byte[] b ? nodes.binaryNode(b) : nodes.textNode(p.getText());
            }
            default -> throw new JsonParseException(p, "unexpected " + t);
        }
    }

    /** Writes a tree as databind's {@code writeValue} would. */
    private static void writeTree(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    writeTree(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode x : n) {
                    writeTree(g, x);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
                    default -> g.writeNumber(n.doubleValue());
                }
            }
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case BINARY -> g.writeBinary(n.binaryValue());
            case NULL, MISSING -> g.writeNull();
            default -> g.writeString(n.asText());
        }
    }

    private static IrException invalid(String name, JsonLocation loc, String message) {
        String where = loc != null && loc.getLineNr() > 0 ? " at line " + loc.getLineNr() : "";
        return new IrException(ExitCode.FAILURE, name + " is not valid YAML" + where + ": " + firstLine(message)
                + " (fix it, or restore it with git)");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    byte[] writeYaml(JsonNode node) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
            try (JsonGenerator g = yaml.createGenerator(bytes)) {
                writeTree(g, node);
            }
            byte[] b = bytes.toByteArray();
            if (b.length > 0 && b[b.length - 1] != '\n') {
                byte[] withNewline = java.util.Arrays.copyOf(b, b.length + 1);
                withNewline[b.length] = '\n';
                return withNewline;
            }
            return b;
        } catch (JsonProcessingException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write YAML: " + e.getMessage(), e);
        }
    }

    /** JSON on one line, as a request body (the same escapes as {@link #writeJson}). */
    String writeCompactJson(JsonNode node) {
        try {
            StringWriter text = new StringWriter();
            try (JsonGenerator g = json.createGenerator(text)) {
                g.setCharacterEscapes(JsonEscapes.INSTANCE);
                writeTree(g, node);
            }
            return text.toString();
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write JSON: " + e.getMessage(), e);
        }
    }

    String writeJson(JsonNode node) {
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
            StringWriter text = new StringWriter();
            try (JsonGenerator g = json.createGenerator(text)) {
                g.setPrettyPrinter(pp);
                g.setCharacterEscapes(JsonEscapes.INSTANCE);
                writeTree(g, node);
            }
            return text.toString();
        } catch (JsonProcessingException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IrException(ExitCode.FAILURE, "cannot write JSON: " + e.getMessage(), e);
        }
    }

    /**
     * JSON escapes for what a terminal would obey: Jackson escapes C0 controls itself; DEL, C1 controls and the
     * bidirectional overrides and isolates are escaped here too, as JSON escapes, so {@code --json} output is still
     * exact JSON and passes unchanged through the terminal filter of ir.env.Inert.
     */
    private static final class JsonEscapes extends com.fasterxml.jackson.core.io.CharacterEscapes {
        static final JsonEscapes INSTANCE = new JsonEscapes();
        private final int[] ascii;

        private JsonEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return ir.env.Inert.unsafe((char) ch)
                    ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Quotes every string that YAML 1.1 would otherwise read back as something else: Jackson's default leaves
     * {@code 0x1F}, {@code 1_000}, {@code 1e3} and {@code 12:30} plain, which come back as 31, 1000, 1000.0 and 750
     * the next time the file is read, so a timeline entry would silently change.
     */
    private static final class ExactStrings extends StringQuotingChecker.Default {
        private static final Resolver RESOLVER = new Resolver();

        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name) || readsAsNonString(name);
        }

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || readsAsNonString(value);
        }

        private static boolean readsAsNonString(String s) {
            Tag t = RESOLVER.resolve(NodeId.scalar, s, true);
            return t.equals(Tag.INT) || t.equals(Tag.FLOAT) || t.equals(Tag.BOOL) || t.equals(Tag.NULL)
                    || t.equals(Tag.MERGE);
        }
    }

    private static final class AliasFound extends RuntimeException {
        final int line;

        AliasFound(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    /**
     * A tag ({@code !foo}) has a meaning ir does not know, and the tree ir rewrites a file from has no place for it:
     * rewriting would silently drop it. So a file with a tag is refused, except YAML's own tags for the kinds of value
     * the tree keeps ({@code !!str}, {@code !!int}, ...), which the rewrite preserves by writing a value of that kind.
     */
    private static final Set<String> KEPT_TAGS = Set.of("str", "int", "float", "bool", "null", "map", "seq")
            .stream().map(t -> "tag:yaml.org,2002:" + t).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private static final class TagFound extends RuntimeException {
        final int line;
        final String tag;

        TagFound(int line, String tag) {
            super(null, null, false, false);
            this.line = line;
            this.tag = tag.length() > 40 ? tag.substring(0, 40) + "..." : tag;
        }
    }

    /** A YAML factory whose parsers show the tag of the current key or value (Jackson shows values' only). */
    private static final class TagAwareFactory extends YAMLFactory {
        TagAwareFactory(YAMLFactoryBuilder b) {
            super(b);
        }

        @Override
        protected YAMLParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
            return new TagAwareParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec,
                    _createReader(data, offset, len, null, ctxt));
        }
    }

    private static final class TagAwareParser extends YAMLParser {
        TagAwareParser(IOContext ctxt, int features, int yamlFeatures, LoaderOptions loader,
                       com.fasterxml.jackson.core.ObjectCodec codec, java.io.Reader reader) {
            super(ctxt, features, yamlFeatures, loader, codec, reader);
        }

        /** The explicit tag of the current token's node, or null. */
        String tag() {
            Event e = _lastEvent;
            if (e instanceof ScalarEvent s) {
                return s.getTag();
            }
            return e instanceof CollectionStartEvent c ? c.getTag() : null;
        }
    }

    /** Refuses YAML aliases and anchors: a billion-laughs document fails on its first alias. Refuses tags too. */
    private static final class NoAliases extends JsonParserDelegate {
        NoAliases(JsonParser d) {
            super(d);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = super.nextToken();
            if (delegate instanceof YAMLParser y && (y.isCurrentAlias() || y.getObjectId() != null)) {
                throw new AliasFound(y.currentLocation().getLineNr());
            }
            if (delegate instanceof TagAwareParser y) {
                String tag = y.tag();
                if (tag != null && !KEPT_TAGS.contains(tag)) {
                    throw new TagFound(y.currentLocation().getLineNr(), tag);
                }
            }
            return t;
        }
    }
}
