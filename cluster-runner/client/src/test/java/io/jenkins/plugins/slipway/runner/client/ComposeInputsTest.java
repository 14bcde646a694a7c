package io.jenkins.plugins.slipway.runner.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Files and variables from maps; credentials "cred-ID". */
    private record MapSources(Map<String, String> files, Map<String, String> env) implements ComposeInputs.Sources {
        @Override
        public byte[] file(String path) throws IOException {
            String text = files.get(path);
            if (text == null) {
                throw new FileNotFoundException(path);
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String environment(String name) {
            return env.get(name);
        }

        @Override
        public byte[] credential(String id, String where) {
            return ("cred-" + id).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsEachSourceByNameAndEveryEnvFileOnce() throws Exception {
        String compose = """
                {"services": {"web": {"env_file": ["a.env", {"path": "opt.env", "required": false}]},
                              "api": {"env_file": "a.env"}},
                 "secrets": {"db": {"file": "./db.txt"}, "key": {"x-slipway": {"credentialsId": "k"}},
                             "tok": {"environment": "TOK"}},
                 "configs": {"conf": {"file": "c.conf"}, "inline": {"content": "x"}}}
                """;
        ComposeInputs.Values v = ComposeInputs.read(JSON.readTree(compose),
                new MapSources(Map.of("./db.txt", "pw", "c.conf", "conf", "a.env", "A=1"), Map.of("TOK", "t")));

        assertThat(v.secrets()).containsOnlyKeys("db", "key", "tok");
        assertThat(new String(v.secrets().get("key"), StandardCharsets.UTF_8)).isEqualTo("cred-k");
        assertThat(v.configs()).containsOnlyKeys("conf");
        assertThat(v.envFiles()).containsExactly(Map.entry("a.env", "A=1"));
        assertThat(v.toString()).doesNotContain("pw", "cred-k");
        assertThat(new DeployRequest("c", Map.of(), null).with(v).toString()).doesNotContain("pw", "cred-k");
    }

    @Test
    void aMissingFileOrVariableNamesTheField() throws Exception {
        MapSources none = new MapSources(Map.of(), Map.of());

        assertThatThrownBy(() -> ComposeInputs.read(JSON.readTree("{\"secrets\": {\"db\": {\"file\": \"db.txt\"}}}"), none))
                .hasMessageStartingWith("secrets.db.file: db.txt does not exist");
        assertThatThrownBy(() -> ComposeInputs.read(JSON.readTree("{\"configs\": {\"c\": {\"environment\": \"C\"}}}"), none))
                .hasMessageStartingWith("configs.c.environment: the variable C is not set");
        assertThatThrownBy(() -> ComposeInputs.read(JSON.readTree("{\"services\": {\"w\": {\"env_file\": \"w.env\"}}}"), none))
                .hasMessageStartingWith("services.w.env_file: w.env does not exist");
    }

    @Test
    void secretValuesTravelAsBase64() throws Exception {
        DeployRequest r = new DeployRequest("c", Map.of(), null, Map.of("s", new byte[] {0, (byte) 0xff}), Map.of(),
                Map.of());

        String json = JSON.writeValueAsString(r);

        assertThat(json).contains("\"secrets\":{\"s\":\"AP8=\"}");
        assertThat(JSON.readValue(json, DeployRequest.class).secrets().get("s")).containsExactly(0, 0xff);
    }
}
