package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileMountsTest {
    private final ComposeParser parser = new ComposeParser();

    private static final String APP = """
            services:
              web:
                image: busybox
                environment: {MODE: prod}
                env_file: [common.env, {path: local.env, required: false}]
                secrets:
                  - db_password
                  - {source: api_key, target: api.key, uid: "1000", gid: "1000", mode: 0440}
                configs:
                  - nginx
                  - {source: motd, target: /etc/motd}
            secrets:
              db_password: {file: ./db_password.txt}
              api_key: {x-slipway: {credentialsId: shop-api-key}}
            configs:
              nginx: {environment: NGINX_CONF}
              motd: {content: "hello"}
            """;

    private static final FileInputs INPUTS = new FileInputs(
            Map.of("db_password", "hmac-sha256:aa", "api_key", "hmac-sha256:bb"),
            Map.of("nginx", "hmac-sha256:cc"),
            Map.of("common.env", "# shared\nexport MODE=dev\nLEVEL=\"debug\\n\"\nNAME='a b' \nURL=http://x #note\n"));

    @Test
    void mountsSecretsAndConfigsAtTheirTargetsWithTheDigestsOfTheirValues() throws Exception {
        ParsedCompose parsed = parser.parse(APP, Map.of(), INPUTS);
        ServiceSpec web = parsed.spec().services().get("web");

        assertThat(web.files()).containsExactly(
                new FileMount(FileMount.Kind.SECRET, "db_password", "/run/secrets/db_password", 0, 0, 0444, "hmac-sha256:aa", null),
                new FileMount(FileMount.Kind.SECRET, "api_key", "/run/secrets/api.key", 1000, 1000, 0440, "hmac-sha256:bb", null),
                new FileMount(FileMount.Kind.CONFIG, "nginx", "/nginx", 0, 0, 0444, "hmac-sha256:cc", null),
                new FileMount(FileMount.Kind.CONFIG, "motd", "/etc/motd", 0, 0, 0444, null, "hello"));
        assertThat(parsed.spec().files().secrets()).containsExactly(Map.entry("db_password", "file"),
                Map.entry("api_key", "credential"));
        assertThat(parsed.spec().files().configs()).containsExactly(Map.entry("nginx", "environment"),
                Map.entry("motd", "content"));
    }

    @Test
    void envFilesGoUnderTheEnvironmentAsComposeMergesThem() throws Exception {
        ServiceSpec web = parser.parse(APP, Map.of(), INPUTS).spec().services().get("web");

        assertThat(web.environment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "MODE", "prod", "LEVEL", "debug\n", "NAME", "a b", "URL", "http://x"));
    }

    @Test
    void aChangedSecretValueChangesTheServiceSpecButNotItsText() throws Exception {
        FileInputs changed = new FileInputs(Map.of("db_password", "hmac-sha256:dd", "api_key", "hmac-sha256:bb"),
                INPUTS.configDigests(), INPUTS.envFiles());
        String before = parser.parse(APP, Map.of(), INPUTS).spec().services().get("web").toString();
        String after = parser.parse(APP, Map.of(), changed).spec().services().get("web").toString();

        assertThat(after).isNotEqualTo(before).contains("hmac-sha256:dd").doesNotContain("hmac-sha256:aa");
    }

    @Test
    void everyMissingValueAndUnknownNameIsAProblemWithItsPath() {
        String bad = """
                services:
                  web:
                    image: busybox
                    env_file: missing.env
                    secrets: [db_password, nope, {source: api_key, target: "../etc/shadow"}]
                secrets:
                  db_password: {file: ./db_password.txt}
                  api_key: {file: a, environment: B}
                  ext: {external: true, file: ./x}
                  off: {external: false}
                  badname: {external: true, name: "../x"}
                configs:
                  c: {x-slipway: {credentialsId: x}}
                """;
        FileInputs sent = new FileInputs(Map.of("stray", "hmac-sha256:00"), Map.of(), Map.of());

        assertThatThrownBy(() -> parser.parse(bad, Map.of(), sent))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(ApiError.Problem::path).containsExactlyInAnyOrder(
                                "secrets.db_password", "secrets.api_key", "secrets.ext", "secrets.off.external",
                                "secrets.badname.name", "secrets.stray",
                                "configs.c.x-slipway.credentialsId", "configs.c",
                                "services.web.env_file", "services.web.secrets[1]"));
    }

    @Test
    void anExternalSecretOrConfigIsMountedByTheNameOfTheObjectTheEngineHoldsWithNoValueTaken() throws Exception {
        String app = """
                services:
                  web:
                    image: busybox
                    secrets: [{source: db_password, mode: 0400}]
                    configs: [{source: site, target: /etc/site.conf}]
                secrets:
                  db_password: {external: true, name: shop_db_password_v3}
                configs:
                  site: {external: true}
                """;
        ServiceSpec web = parser.parse(app, Map.of(), FileInputs.NONE).spec().services().get("web");

        assertThat(web.files()).containsExactly(
                new FileMount(FileMount.Kind.SECRET, "db_password", "/run/secrets/db_password", 0, 0, 0400, null, null,
                        "shop_db_password_v3"),
                new FileMount(FileMount.Kind.CONFIG, "site", "/etc/site.conf", 0, 0, 0444, null, null, "site"));
    }

    @Test
    void targetsAreCheckedWhenTheSourceIsValid() {
        String bad = """
                services:
                  web:
                    image: busybox
                    secrets: [{source: s, target: "../etc/shadow", mode: 0999, uid: root}, {source: s, target: /run/secrets/s}, s]
                secrets:
                  s: {environment: S}
                """;
        FileInputs sent = new FileInputs(Map.of("s", "hmac-sha256:00"), Map.of(), Map.of());

        assertThatThrownBy(() -> parser.parse(bad, Map.of(), sent))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(ApiError.Problem::path).containsExactlyInAnyOrder(
                                "services.web.secrets[0].target", "services.web.secrets[0].mode",
                                "services.web.secrets[0].uid", "services.web.secrets[2].target"));
    }

    @Test
    void aBareNameInAnEnvFileIsRefusedBecauseTheRunnerHasNoShell() {
        Problems p = new Problems();
        EnvFiles.dotenv("A=1\nSECRET_FROM_SHELL\n", "services.web.env_file", p);

        assertThat(p.errors).extracting(ApiError.Problem::message)
                .containsExactly("line 2 is not KEY=VALUE (a bare name takes its value from the deploying shell; write SECRET_FROM_SHELL=value)");
    }

    @Test
    void aFileWithoutSecretsParsesAsBefore() throws Exception {
        ParsedCompose parsed = parser.parse("services: {web: {image: busybox}}", Map.of());

        assertThat(parsed.spec().services().get("web").files()).isEqualTo(List.of());
        assertThat(parsed.spec().files()).isEqualTo(FileSources.NONE);
    }
}
