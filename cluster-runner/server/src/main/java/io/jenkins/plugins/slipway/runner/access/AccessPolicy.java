package io.jenkins.plugins.slipway.runner.access;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.api.ApiException;
import io.jenkins.plugins.slipway.runner.api.ApiServer;
import io.jenkins.plugins.slipway.runner.audit.AuditLog;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what. Every {@code /api/} call needs a valid token; reading needs {@link Role#READ}, any other
 * method {@link Role#DEPLOY}, tokens and the audit log {@link Role#ADMIN}. A call about an app (its path names
 * the app, or a release of it) is also refused with 403 when none of the token's app patterns covers the app.
 * <p>
 * The audit log gets every call that changes something (any method but GET and HEAD) and every refusal.
 */
public final class AccessPolicy implements ApiServer.Guard {
    private static final Logger LOG = LoggerFactory.getLogger(AccessPolicy.class);
    /** The header through which a Jenkins build names itself on calls whose body does not. */
    public static final String BUILD_URL_HEADER = "X-Slipway-Build-Url";
    private static final Pattern APP_PATH = Pattern.compile("/api/v1/apps/([^/]+)(/.*)?");
    private static final Pattern RELEASE_PATH = Pattern.compile("/api/v1/releases/([^/]+)(/.*)?");
    private static final Pattern ADMIN_PATH = Pattern.compile("/api/v1/(tokens|audit)(/.*)?");
    private static final Pattern ANY_TOKEN_PATH = Pattern.compile("/api/v1/whoami");

    private final ApiTokens tokens;
    private final AuditLog audit;
    private final Function<String, Optional<String>> appOfRelease;

    /**
     * @param appOfRelease the app a release id belongs to, empty for an unknown id
     */
    public AccessPolicy(ApiTokens tokens, AuditLog audit, Function<String, Optional<String>> appOfRelease) {
        this.tokens = tokens;
        this.audit = audit;
        this.appOfRelease = appOfRelease;
    }

    @Override
    public @CheckForNull Caller admit(ApiServer.Call request) {
        if (!request.path().startsWith("/api/")) {
            return null;
        }
        Caller caller = bearer(request).flatMap(tokens::authenticate).orElseThrow(() -> new ApiException(401,
                "missing, wrong or revoked API token: send Authorization: Bearer <token>"));
        Role needed = needed(request);
        if (!caller.role().includes(needed)) {
            throw new ApiException(403, "token " + caller.name() + " has role " + caller.role().wireName() + "; "
                    + request.method() + " " + request.path() + " needs role " + needed.wireName());
        }
        String app = needed == Role.ADMIN ? null : app(request);
        if (app != null && !caller.mayUse(app)) {
            throw new ApiException(403, "token " + caller.name() + " may use the apps " + caller.appTexts()
                    + ", not " + app);
        }
        return caller;
    }

    @Override
    public void answered(ApiServer.Call request, @CheckForNull Caller caller, int status,
                         @CheckForNull String buildUrl) {
        boolean reads = request.method().equals("GET") || request.method().equals("HEAD");
        boolean refused = status == 401 || status == 403;
        if (!request.path().startsWith("/api/") || reads && !refused) {
            return;
        }
        // A 403 comes from a valid token that may not do this: the audit names it although admit() refused it.
        Caller who = caller != null ? caller : bearer(request).flatMap(tokens::authenticate).orElse(null);
        try {
            audit.append(who == null ? null : who.name(), request.method(), request.path(), app(request),
                    buildUrl != null ? buildUrl : request.header().apply(BUILD_URL_HEADER), status, request.remote());
        } catch (RuntimeException e) {
            // The answer has gone out already; a failed audit write is the operator's to see, not the caller's.
            LOG.error("Could not write the audit entry of {} {} ({}): {}", request.method(), request.path(), status,
                    e.getMessage());
        }
    }

    private static Role needed(ApiServer.Call request) {
        if (ADMIN_PATH.matcher(request.path()).matches()) {
            return Role.ADMIN;
        }
        if (ANY_TOKEN_PATH.matcher(request.path()).matches()) {
            return Role.READ;
        }
        return request.method().equals("GET") || request.method().equals("HEAD") ? Role.READ : Role.DEPLOY;
    }

    /** The app a call is about: named in its path, or owning the release named there; null when none. */
    private @CheckForNull String app(ApiServer.Call request) {
        Matcher app = APP_PATH.matcher(request.path());
        if (app.matches()) {
            return app.group(1);
        }
        Matcher release = RELEASE_PATH.matcher(request.path());
        return release.matches() ? appOfRelease.apply(release.group(1)).orElse(null) : null;
    }

    private static Optional<String> bearer(ApiServer.Call request) {
        String header = request.header().apply("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(header.substring(7).trim());
    }
}
