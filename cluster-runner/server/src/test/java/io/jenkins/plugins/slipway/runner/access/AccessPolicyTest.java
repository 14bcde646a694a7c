package io.jenkins.plugins.slipway.runner.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.api.ApiException;
import io.jenkins.plugins.slipway.runner.api.ApiServer;
import io.jenkins.plugins.slipway.runner.audit.AuditEntry;
import io.jenkins.plugins.slipway.runner.audit.AuditLog;
import io.jenkins.plugins.slipway.runner.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens, scopes and the audit log on a real database file. */
class AccessPolicyTest {
    @TempDir
    Path dir;

    private Database db;
    private ApiTokens tokens;
    private AuditLog audit;
    private AccessPolicy policy;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir);
        tokens = ApiTokens.load(db);
        audit = new AuditLog(db);
        policy = new AccessPolicy(tokens, audit, id -> id.startsWith("shop-web-") ? Optional.of("shop-web")
                : id.startsWith("billing-") ? Optional.of("billing") : Optional.empty());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static ApiServer.Call request(String method, String path, String token, String buildUrl) {
        Map<String, String> headers = new java.util.HashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        if (buildUrl != null) {
            headers.put(AccessPolicy.BUILD_URL_HEADER, buildUrl);
        }
        return new ApiServer.Call(method, path, headers::get, "127.0.0.1");
    }

    private int status(String method, String path, String token) {
        try {
            policy.admit(request(method, path, token, null));
            return 200;
        } catch (ApiException e) {
            return e.status();
        }
    }

    @Test
    void aDeployTokenForShopAppsReachesOnlyThoseAndNoAdminEndpoint() throws Exception {
        String ci = tokens.create("ci", Role.DEPLOY, List.of(new AppPattern("shop-*")));

        assertThat(status("PUT", "/api/v1/apps/shop-web", ci)).isEqualTo(200);
        assertThat(status("POST", "/api/v1/releases/shop-web-3-ab12/promote", ci)).isEqualTo(200);
        assertThat(status("GET", "/api/v1/apps", ci)).isEqualTo(200);
        assertThat(status("PUT", "/api/v1/apps/billing", ci)).isEqualTo(403);
        assertThat(status("GET", "/api/v1/apps/billing", ci)).isEqualTo(403);
        assertThat(status("POST", "/api/v1/releases/billing-2-ffff/abort", ci)).isEqualTo(403);
        assertThat(status("POST", "/api/v1/tokens", ci)).isEqualTo(403);
        assertThat(status("GET", "/api/v1/audit", ci)).isEqualTo(403);
        assertThat(status("GET", "/api/v1/whoami", ci)).isEqualTo(200);
        assertThatThrownBy(() -> policy.admit(request("PUT", "/api/v1/apps/billing", ci, null)))
                .hasMessage("token ci may use the apps [shop-*], not billing");
    }

    @Test
    void aReadTokenReadsButChangesNothing() throws Exception {
        String viewer = tokens.create("viewer", Role.READ, List.of(AppPattern.ANY));

        assertThat(status("GET", "/api/v1/apps/billing", viewer)).isEqualTo(200);
        assertThat(status("GET", "/api/v1/releases/billing-2-ffff/events", viewer)).isEqualTo(200);
        assertThat(status("DELETE", "/api/v1/apps/billing", viewer)).isEqualTo(403);
        assertThat(status("POST", "/api/v1/apps/billing/scale", viewer)).isEqualTo(403);
    }

    @Test
    void aWrongMissingOrRevokedTokenIs401AndTheRevocationHoldsAfterARestart() throws Exception {
        String admin = tokens.create("root", Role.ADMIN, List.of(AppPattern.ANY));
        String ci = tokens.create("ci", Role.DEPLOY, List.of(AppPattern.ANY));
        assertThat(status("GET", "/api/v1/apps", ci)).isEqualTo(200);

        assertThat(tokens.revoke("ci")).isTrue();

        assertThat(status("GET", "/api/v1/apps", ci)).isEqualTo(401);
        assertThat(status("GET", "/api/v1/apps", null)).isEqualTo(401);
        assertThat(status("GET", "/api/v1/apps", ci.substring(0, ci.length() - 1) + "x")).isEqualTo(401);
        assertThat(status("GET", "/healthz", null)).isEqualTo(200);
        ApiTokens reloaded = ApiTokens.load(db);
        assertThat(reloaded.authenticate(ci)).isEmpty();
        assertThat(reloaded.authenticate(admin)).map(Caller::name).contains("root");
    }

    @Test
    void theLastAdminTokenCannotBeRevoked() throws Exception {
        tokens.create("root", Role.ADMIN, List.of(AppPattern.ANY));
        assertThatThrownBy(() -> tokens.revoke("root")).hasMessageContaining("last admin token");
        tokens.create("second", Role.ADMIN, List.of(AppPattern.ANY));
        assertThat(tokens.revoke("root")).isTrue();
    }

    @Test
    void aNameIsOneToken() throws Exception {
        tokens.create("ci", Role.READ, List.of(AppPattern.ANY));
        assertThatThrownBy(() -> tokens.create("ci", Role.ADMIN, List.of(AppPattern.ANY)))
                .isInstanceOf(ApiTokens.NameTaken.class);
    }

    @Test
    void theDatabaseFileHoldsNoToken() throws Exception {
        String token = tokens.create("ci", Role.DEPLOY, List.of(new AppPattern("shop-*")));
        tokens.adopt("legacy", "0123456789abcdef0123456789abcdef", Role.ADMIN, List.of(AppPattern.ANY));
        db.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(f.toString()).doesNotContain(token).doesNotContain(token.substring(4, 24))
                        .doesNotContain("0123456789abcdef0123456789abcdef");
            }
        }
        db = Database.open(dir);
    }

    @Test
    void changesAndRefusalsAreAuditedWithTheBuildButReadsAreNot() throws Exception {
        String ci = tokens.create("ci", Role.DEPLOY, List.of(new AppPattern("shop-*")));
        Caller caller = tokens.authenticate(ci).orElseThrow();

        policy.answered(request("PUT", "/api/v1/apps/shop-web", ci, null), caller, 202, "https://ci/job/shop/7/");
        policy.answered(request("POST", "/api/v1/releases/shop-web-2-0a0a/abort", ci, "https://ci/job/shop/8/"),
                caller, 202, null);
        policy.answered(request("GET", "/api/v1/apps/shop-web", ci, null), caller, 200, null);
        policy.answered(request("PUT", "/api/v1/apps/billing", ci, null), null, 403, null);
        policy.answered(request("DELETE", "/api/v1/apps/shop-web", "wrong", null), null, 401, null);

        List<AuditEntry> all = audit.newest(null, 10);
        assertThat(all).extracting(AuditEntry::token, AuditEntry::method, AuditEntry::route, AuditEntry::app,
                AuditEntry::buildUrl, AuditEntry::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(null, "DELETE", "/api/v1/apps/shop-web", "shop-web", null, 401),
                org.assertj.core.groups.Tuple.tuple("ci", "PUT", "/api/v1/apps/billing", "billing", null, 403),
                org.assertj.core.groups.Tuple.tuple("ci", "POST", "/api/v1/releases/shop-web-2-0a0a/abort", "shop-web",
                        "https://ci/job/shop/8/", 202),
                org.assertj.core.groups.Tuple.tuple("ci", "PUT", "/api/v1/apps/shop-web", "shop-web",
                        "https://ci/job/shop/7/", 202));
        assertThat(audit.newest("billing", 10)).hasSize(1);
        assertThat(audit.newest(null, 2)).hasSize(2);
        assertThat(all).allSatisfy(e -> assertThat(e.toString()).doesNotContain(ci));
    }
}
