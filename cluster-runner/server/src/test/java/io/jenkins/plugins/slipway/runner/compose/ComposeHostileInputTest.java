package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Files built to hurt the runner or to mean something other than they say: refused, with the field path. */
class ComposeHostileInputTest {
    private final ComposeParser parser = new ComposeParser();

    private List<ApiError.Problem> problems(String yaml) {
        try {
            parser.parse(yaml, Map.of());
        } catch (ComposeException e) {
            return e.problems();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void aBillionLaughsUnderLabelsIsRefusedAtTheFirstAlias() {
        StringBuilder yaml = new StringBuilder("x-lol: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            yaml.append("x-lol").append(i).append(": &lol").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*lol" + (i - 1)))).append("]\n");
        }
        yaml.append("services:\n  web:\n    image: busybox\n    labels:\n      boom: *lol9\n");
        List<ApiError.Problem> problems = problems(yaml.toString());
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path()).isEqualTo("x-lol1[0]");
        assertThat(problems.get(0).message()).contains("YAML aliases (*lol0) are not supported");
    }

    @Test
    void anAliasThatWouldSilentlyBecomeItsNameIsRefusedWithItsPath() {
        List<ApiError.Problem> problems = problems("""
                x-limit: &limit 512m
                services:
                  web:
                    image: busybox
                    deploy: {resources: {limits: {memory: *limit}}}
                """);
        assertThat(problems).extracting(ApiError.Problem::path).containsExactly("services.web.deploy.resources.limits.memory");
    }

    @Test
    void duplicateKeysAreRefusedNotSilentlyOverwritten() {
        List<ApiError.Problem> problems = problems("""
                services:
                  web:
                    image: busybox:1
                    image: busybox:2
                """);
        assertThat(problems.get(0).message()).contains("is not valid YAML").contains("image");
    }

    @Test
    void deepNestingIsRefusedBeforeItCostsAnything() {
        String deep = "services:\n  web:\n    image: busybox\n    labels: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        assertThat(problems(deep).get(0).message()).contains("is not valid YAML");
        String deepBlock = "services:\n" + java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> " ".repeat(2 * i + 2) + "k" + i + ":").reduce((a, b) -> a + "\n" + b).orElseThrow() + " x\n";
        assertThat(problems(deepBlock).get(0).path()).isEqualTo("compose");
    }

    @Test
    void nulAndControlCharactersInStringsAreRefusedWithThePath() {
        List<ApiError.Problem> problems = problems("""
                services:
                  web:
                    image: busybox
                    environment: {A: "x\\0y"}
                    labels: {"b\\u0007": ok}
                    command: ["sh", "-c", "echo \\u001b[31m"]
                """);
        assertThat(problems).extracting(ApiError.Problem::path)
                .containsExactlyInAnyOrder("services.web.environment.A", "services.web.labels", "services.web.command[2]");
        assertThat(problems).anySatisfy(pr -> assertThat(pr.message()).contains("\"x\\u0000y\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "deploy: {replicas: 2000000000}|services.web.deploy.replicas",
            "deploy: {replicas: 99999999999999999999999}|services.web.deploy.replicas",
            "deploy: {resources: {limits: {cpus: 1e400}}}|services.web.deploy.resources.limits.cpus",
            "deploy: {resources: {limits: {cpus: [1]}}}|services.web.deploy.resources.limits.cpus",
            "deploy: {resources: {limits: {memory: 99999999999999999999999}}}|services.web.deploy.resources.limits.memory",
            "deploy: {resources: {limits: {memory: 999999999999t}}}|services.web.deploy.resources.limits.memory",
            "stop_grace_period: -5|services.web.stop_grace_period",
            "stop_grace_period: 99999999999999999999h|services.web.stop_grace_period",
            "healthcheck: {test: [CMD, x], interval: 18446744073709551617}|services.web.healthcheck.interval",
            "x-slipway: {route: {port: 4294967297, targetPort: 80}}|services.web.x-slipway.route.port",
            "image: ../../etc/passwd|services.web.image",
            "stop_grace_period: \"1s\\0\"|services.web.stop_grace_period",
            "deploy: {resources: {limits: {memory: \"1g\\0\"}}}|services.web.deploy.resources.limits.memory",
            "image: [busybox]|services.web.image",
            "environment: [[A, B]]|services.web.environment[0]",
            "deploy: {update_config: {parallelism: 1000000}}|services.web.deploy.update_config.parallelism",
    })
    void hugeNegativeOrWronglyTypedValuesAreRefusedWithTheirPath(String line, String path) {
        String yaml = "services:\n  web:\n    image: busybox\n    " + line + "\n";
        if (line.startsWith("image:")) {
            yaml = "services:\n  web:\n    " + line + "\n";
        }
        assertThat(problems(yaml)).extracting(ApiError.Problem::path).contains(path);
    }

    @Test
    void aFileOverTheCodePointLimitIsRefused() {
        String yaml = "services:\n  web:\n    image: busybox\n    labels: {a: \"" + "x".repeat(ComposeYaml.MAX_CODE_POINTS) + "\"}\n";
        assertThat(problems(yaml).get(0).message()).contains("is not valid YAML");
    }

    @Test
    void unicodeIsFine() throws Exception {
        ParsedCompose parsed = parser.parse("""
                services:
                  web:
                    image: busybox
                    labels: {"équipe": "ß🚀"}
                """, Map.of());
        assertThat(parsed.spec().services().get("web").labels()).containsEntry("équipe", "ß🚀");
    }

    @Test
    void anImageOverrideWithABadReferenceIsRefusedUnderImages() {
        assertThatThrownBy(() -> parser.parse("services:\n  web:\n    image: busybox\n", Map.of("web", "a b")))
                .isInstanceOf(ComposeException.class)
                .satisfies(e -> assertThat(((ComposeException) e).problems()).extracting(ApiError.Problem::path)
                        .containsExactly("images.web"));
    }
}
