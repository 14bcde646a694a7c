package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads Compose YAML within limits, so a hostile file costs little and means one thing: at most
 * {@link #MAX_DEPTH} levels of nesting, {@link #MAX_CODE_POINTS} characters, numbers of at most 100 digits,
 * no duplicate keys (the later one would silently win), and no aliases ({@code *name}). The YAML reader the
 * runner uses does not expand an alias but reads it as the anchor's name, so {@code memory: *limit} would
 * silently become the text {@code "limit"}; and expanding them is how a "billion laughs" file of a few hundred
 * bytes turns into gigabytes. Refusing them, with the path, is the one answer that is both safe and honest.
 */
final class ComposeYaml {
    static final int MAX_DEPTH = 32;
    static final int MAX_CODE_POINTS = 1024 * 1024;

    private ComposeYaml() {
    }

    /** An alias ({@code *name}) in the file; {@link #path()} says where. */
    static final class AliasException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String path;

        AliasException(String path, String anchor) {
            super("YAML aliases (*" + anchor + ") are not supported: write the value out in full");
            this.path = path;
        }

        String path() {
            return path;
        }
    }

    static ObjectMapper mapper() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_CODE_POINTS);
        loader.setNestingDepthLimit(MAX_DEPTH);
        loader.setMaxAliasesForCollections(0);
        loader.setAllowDuplicateKeys(false);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(loader)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(100).maxStringLength(MAX_CODE_POINTS).build())
                .build();
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    static JsonNode read(ObjectMapper yaml, String text) throws IOException {
        try (JsonParser parser = new NoAliases((YAMLParser) yaml.getFactory().createParser(text))) {
            return yaml.readTree(parser);
        }
    }

    /** Refuses the first alias it meets, naming its field path. */
    private static final class NoAliases extends JsonParserDelegate {
        NoAliases(YAMLParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = super.nextToken();
            YAMLParser yaml = (YAMLParser) delegate;
            if (yaml.isCurrentAlias()) {
                throw new AliasException(path(), yaml.getText());
            }
            return t;
        }

        private String path() {
            String pointer = delegate.getParsingContext().pathAsPointer().toString();
            StringBuilder b = new StringBuilder("compose");
            for (String part : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/")) {
                b.append(part.matches("\\d+") ? "[" + part + "]" : "." + part.replace("~1", "/").replace("~0", "~"));
            }
            return b.toString().equals("compose") ? "compose" : b.substring("compose.".length());
        }
    }
}
