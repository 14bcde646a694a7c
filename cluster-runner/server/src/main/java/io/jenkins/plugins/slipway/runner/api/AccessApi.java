package io.jenkins.plugins.slipway.runner.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.access.ApiTokens;
import io.jenkins.plugins.slipway.runner.access.AppPattern;
import io.jenkins.plugins.slipway.runner.access.Caller;
import io.jenkins.plugins.slipway.runner.access.Role;
import io.jenkins.plugins.slipway.runner.audit.AuditLog;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/tokens} (create, list, revoke), {@code /api/v1/whoami} and {@code /api/v1/audit}. Who may call
 * them is {@link io.jenkins.plugins.slipway.runner.access.AccessPolicy}'s to decide; this class checks input.
 */
final class AccessApi {
    static final Pattern TOKEN_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}");
    private static final int DEFAULT_AUDIT_LIMIT = 100;
    private static final int MAX_AUDIT_LIMIT = 1000;

    private final ApiTokens tokens;
    private final AuditLog audit;

    AccessApi(ApiTokens tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    void register(ApiServer server) {
        server.route("POST", "/api/v1/tokens", this::create);
        server.route("GET", "/api/v1/tokens", ex -> ex.json(200, tokens.list().stream().map(AccessApi::view).toList()));
        server.route("DELETE", "/api/v1/tokens/([^/]+)", this::revoke);
        server.route("GET", "/api/v1/whoami", this::whoami);
        server.route("GET", "/api/v1/audit", this::audit);
    }

    private void create(Exchange ex) throws IOException {
        JsonNode body = ex.body();
        List<ApiError.Problem> problems = new ArrayList<>();
        String name = body.path("name").isTextual() ? body.get("name").asText() : null;
        if (name == null || !TOKEN_NAME.matcher(name).matches()) {
            problems.add(new ApiError.Problem("name", "must be 1-64 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit, got " + body.get("name")));
        }
        Role role = body.path("role").isTextual() ? Role.parse(body.get("role").asText()).orElse(null) : null;
        if (role == null) {
            problems.add(new ApiError.Problem("role", "must be read, deploy or admin, got " + body.get("role")));
        }
        List<AppPattern> apps = apps(body.get("apps"), problems);
        if (!problems.isEmpty()) {
            throw new ApiException(400, new ApiError("invalid token request; no token was made", problems));
        }
        try {
            String token = tokens.create(name, role, apps);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            out.put("token", token);
            out.put("apps", apps.stream().map(AppPattern::text).toList());
            out.put("role", role.wireName());
            ex.json(201, out);
        } catch (ApiTokens.NameTaken e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    /** The {@code apps} field: absent means every app; otherwise a non-empty array of patterns. */
    private static List<AppPattern> apps(JsonNode node, List<ApiError.Problem> problems) {
        if (node == null || node.isNull()) {
            return List.of(AppPattern.ANY);
        }
        if (!node.isArray() || node.isEmpty() || node.size() > 50) {
            problems.add(new ApiError.Problem("apps", "must be a list of 1-50 app patterns such as \"shop-*\", got "
                    + node));
            return List.of();
        }
        List<AppPattern> apps = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            try {
                if (!node.get(i).isTextual()) {
                    throw new IllegalArgumentException("an app pattern is a string, got " + node.get(i));
                }
                apps.add(new AppPattern(node.get(i).asText()));
            } catch (IllegalArgumentException e) {
                problems.add(new ApiError.Problem("apps[" + i + "]", e.getMessage()));
            }
        }
        return apps;
    }

    private void revoke(Exchange ex) throws IOException {
        String name = ex.param(1);
        try {
            if (!tokens.revoke(name)) {
                throw new ApiException(404, "no token named " + name);
            }
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
        ex.text(204, "application/json", "");
    }

    private void whoami(Exchange ex) throws IOException {
        Caller caller = ex.caller();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", caller.name());
        out.put("role", caller.role().wireName());
        out.put("apps", caller.appTexts());
        ex.json(200, out);
    }

    private void audit(Exchange ex) throws IOException {
        String app = ex.query("app");
        String limitText = ex.query("limit");
        if (app != null && !AppsApi.APP_NAME.matcher(app).matches()) {
            throw new ApiException(400, new ApiError("invalid audit query", List.of(new ApiError.Problem("app",
                    "must be an app name (1-40 lower-case letters, digits or '-'), got \"" + app + "\""))));
        }
        int limit = DEFAULT_AUDIT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
                throw new ApiException(400, new ApiError("invalid audit query", List.of(new ApiError.Problem("limit",
                        "must be a whole number 1-" + MAX_AUDIT_LIMIT + ", got \"" + limitText + "\""))));
            }
        }
        ex.json(200, audit.newest(app, limit));
    }

    private static Map<String, Object> view(ApiTokens.TokenInfo t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", t.name());
        out.put("apps", t.apps().stream().map(AppPattern::text).toList());
        out.put("role", t.role().wireName());
        out.put("created", t.created());
        return out;
    }
}
