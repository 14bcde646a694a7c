package io.jenkins.plugins.slipway.runner.release.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code services.<svc>.x-slipway.release} from an already-parsed YAML (or JSON) tree: maps, lists,
 * strings, numbers and booleans as SnakeYAML or Jackson produce them, or a Jackson {@link JsonNode}.
 * <p>
 * It never throws on bad input: every problem is added with its full field path so that one 400 answer lists
 * them all, and keys it does not know are reported as warnings instead of being dropped silently. When any
 * problem was added the returned spec is a best effort and must not be used.
 */
public final class ReleaseSpecParser {
    private static final Set<String> STRATEGIES = Set.of("rolling", "canary", "blueGreen");
    private static final Set<String> CANARY_KEYS = Set.of("steps", "analysis", "match", "sticky");
    private static final Set<String> BLUE_GREEN_KEYS = Set.of("previewPort", "prePromotionAnalysis",
            "autoPromotionEnabled", "autoPromotionSeconds", "scaleDownDelaySeconds");
    private static final List<String> STEP_KINDS = List.of("setWeight", "pause", "analysis", "setCanaryScale");
    private static final List<String> PROVIDERS = List.of("router", "http", "webhook");
    /** RFC 7230 token: what a header or cookie name may contain. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ApiError.Problem> problems;
    private final List<String> warnings;

    private ReleaseSpecParser(List<ApiError.Problem> problems, List<String> warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    /**
     * Parses a release spec allowing webhooks on loopback only.
     *
     * @param yamlNode the value of the {@code release} key; null (absent) means {@link ReleaseSpec.Rolling}
     * @param path     field path of that value, e.g. {@code services.web.x-slipway.release}
     * @param problems receives every problem, each with the path of the field concerned
     * @param warnings receives one line per unknown key, with its path
     * @return the spec; {@link ReleaseSpec.Rolling} when absent
     */
    public static ReleaseSpec parse(@CheckForNull Object yamlNode, String path, List<ApiError.Problem> problems,
                                    List<String> warnings) {
        return new ReleaseSpecParser(problems, warnings).release(plain(yamlNode), path);
    }

    /** Parses a standalone analysis block (an inline one when {@code inline}), for callers outside a release. */
    public static Optional<AnalysisSpec> parseAnalysis(@CheckForNull Object yamlNode, String path, boolean inline,
                                                       List<ApiError.Problem> problems, List<String> warnings) {
        return Optional.ofNullable(new ReleaseSpecParser(problems, warnings)
                .analysis(plain(yamlNode), path, inline));
    }

    private static Object plain(@CheckForNull Object node) {
        return node instanceof JsonNode json ? JSON.convertValue(json, Object.class) : node;
    }

    private ReleaseSpec release(@CheckForNull Object node, String path) {
        if (node == null) {
            return new ReleaseSpec.Rolling();
        }
        Map<?, ?> map = map(node, path);
        if (map == null) {
            return new ReleaseSpec.Rolling();
        }
        String strategy = "rolling";
        Object s = map.get("strategy");
        if (s != null) {
            if (s instanceof String str && STRATEGIES.contains(str)) {
                strategy = str;
            } else {
                problem(path + ".strategy", "must be one of rolling, canary, blueGreen, got " + show(s));
                return new ReleaseSpec.Rolling();
            }
        }
        for (Object k : map.keySet()) {
            String key = String.valueOf(k);
            if (key.equals("strategy")) {
                continue;
            }
            String owner = CANARY_KEYS.contains(key) ? "canary" : BLUE_GREEN_KEYS.contains(key) ? "blueGreen" : null;
            if (owner == null) {
                unknown(path, key);
            } else if (!owner.equals(strategy)) {
                problem(path + "." + key, "applies to strategy " + owner + ", not " + strategy
                        + "; remove it or set strategy: " + owner);
            }
        }
        return switch (strategy) {
            case "canary" -> canary(map, path);
            case "blueGreen" -> blueGreen(map, path);
            default -> new ReleaseSpec.Rolling();
        };
    }

    private ReleaseSpec canary(Map<?, ?> map, String path) {
        List<CanaryStep> steps = new ArrayList<>();
        Object stepsNode = map.get("steps");
        if (stepsNode == null) {
            problem(path + ".steps", "a canary needs at least one step, e.g. [{setWeight: 20}, {pause: {}}]");
        } else {
            List<?> list = list(stepsNode, path + ".steps");
            if (list != null) {
                if (list.isEmpty()) {
                    problem(path + ".steps", "a canary needs at least one step, e.g. [{setWeight: 20}, {pause: {}}]");
                }
                for (int i = 0; i < list.size(); i++) {
                    CanaryStep step = step(list.get(i), path + ".steps[" + i + "]");
                    if (step != null) {
                        steps.add(step);
                    }
                }
            }
        }
        AnalysisSpec background = map.containsKey("analysis")
                ? analysis(map.get("analysis"), path + ".analysis", false) : null;
        List<MatchCondition> match = new ArrayList<>();
        if (map.containsKey("match")) {
            List<?> list = list(map.get("match"), path + ".match");
            if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    MatchCondition c = match(list.get(i), path + ".match[" + i + "]");
                    if (c != null) {
                        match.add(c);
                    }
                }
            }
        }
        boolean sticky = bool(map, "sticky", path, false);
        return new ReleaseSpec.Canary(steps, Optional.ofNullable(background), match, sticky);
    }

    @CheckForNull
    private CanaryStep step(Object node, String path) {
        Map<?, ?> map = map(node, path);
        if (map == null) {
            return null;
        }
        List<String> kinds = new ArrayList<>();
        for (Object k : map.keySet()) {
            String key = String.valueOf(k);
            if (STEP_KINDS.contains(key)) {
                kinds.add(key);
            } else {
                problem(path + "." + key, "is not a step; a step is one of " + String.join(", ", STEP_KINDS));
            }
        }
        if (kinds.size() > 1) {
            problem(path, "a step does one thing, got " + String.join(" and ", kinds) + "; split it into "
                    + kinds.size() + " steps");
            return null;
        }
        if (kinds.isEmpty()) {
            if (map.isEmpty()) {
                problem(path, "empty step; a step is one of " + String.join(", ", STEP_KINDS));
            }
            return null;
        }
        String kind = kinds.get(0);
        Object value = map.get(kind);
        String p = path + "." + kind;
        switch (kind) {
            case "setWeight": {
                Integer w = wholeNumber(value, p, 0, 100);
                return w == null ? null : new CanaryStep.SetWeight(w);
            }
            case "pause":
                return pause(value, p);
            case "analysis": {
                AnalysisSpec a = analysis(value, p, true);
                return a == null ? null : new CanaryStep.Analysis(a);
            }
            default:
                return canaryScale(value, p);
        }
    }

    @CheckForNull
    private CanaryStep pause(@CheckForNull Object value, String path) {
        if (value == null) {
            return CanaryStep.Pause.indefinite(); // "pause:" with nothing reads as "pause: {}"
        }
        if (!(value instanceof Map<?, ?> map)) {
            problem(path, "must be a mapping: {duration: 30s} to wait, or {} to wait until promoted; got " + show(value));
            return null;
        }
        warnUnknown(map, path, Set.of("duration"));
        if (!map.containsKey("duration")) {
            return CanaryStep.Pause.indefinite();
        }
        Duration d = duration(map.get("duration"), path + ".duration", true);
        return d == null ? null : CanaryStep.Pause.of(d);
    }

    @CheckForNull
    private CanaryStep canaryScale(@CheckForNull Object value, String path) {
        Map<?, ?> map = map(value, path);
        if (map == null) {
            return null;
        }
        warnUnknown(map, path, Set.of("replicas", "weight", "matchTrafficWeight"));
        int forms = (map.containsKey("replicas") ? 1 : 0) + (map.containsKey("weight") ? 1 : 0)
                + (map.containsKey("matchTrafficWeight") ? 1 : 0);
        if (forms != 1) {
            problem(path, "needs exactly one of replicas: N, weight: N or matchTrafficWeight: true, got " + forms);
            return null;
        }
        if (map.containsKey("replicas")) {
            Integer n = wholeNumber(map.get("replicas"), path + ".replicas", 0, 10_000);
            return n == null ? null : CanaryStep.SetCanaryScale.replicas(n);
        }
        if (map.containsKey("weight")) {
            Integer w = wholeNumber(map.get("weight"), path + ".weight", 0, 100);
            return w == null ? null : CanaryStep.SetCanaryScale.weight(w);
        }
        if (!Boolean.TRUE.equals(map.get("matchTrafficWeight"))) {
            problem(path + ".matchTrafficWeight", "only true is meaningful (replicas follow the weight again), got "
                    + show(map.get("matchTrafficWeight")));
            return null;
        }
        return CanaryStep.SetCanaryScale.followWeight();
    }

    @CheckForNull
    private MatchCondition match(Object node, String path) {
        Map<?, ?> map = map(node, path);
        if (map == null) {
            return null;
        }
        warnUnknown(map, path, Set.of("header", "cookie"));
        boolean header = map.containsKey("header");
        boolean cookie = map.containsKey("cookie");
        if (header == cookie) {
            problem(path, "needs exactly one of header: {name: X-Canary, value: always} or cookie: {name: .., value: ..}");
            return null;
        }
        String kind = header ? "header" : "cookie";
        String p = path + "." + kind;
        Map<?, ?> rule = map(map.get(kind), p);
        if (rule == null) {
            return null;
        }
        warnUnknown(rule, p, Set.of("name", "value"));
        if (rule.get("value") instanceof Boolean b) {
            // YAML 1.1 reads yes/no/on/off as booleans: the text the user meant is lost, so ask for quotes.
            problem(p + ".value", "YAML reads this value as the boolean " + b + "; quote it (value: \"yes\") so that "
                    + "the exact text is matched");
            return null;
        }
        String name = string(rule, "name", p, true);
        String value = string(rule, "value", p, true);
        if (name != null && !TOKEN.matcher(name).matches()) {
            problem(p + ".name", "must be a " + kind + " name (letters, digits and -_.!#$%&'*+^`|~), got " + show(name));
            return null;
        }
        if (name == null || value == null) {
            return null;
        }
        return new MatchCondition(header ? MatchRule.Kind.HEADER : MatchRule.Kind.COOKIE, name, value);
    }

    private ReleaseSpec blueGreen(Map<?, ?> map, String path) {
        Integer previewPort = map.containsKey("previewPort")
                ? wholeNumber(map.get("previewPort"), path + ".previewPort", 1, 65535) : null;
        AnalysisSpec pre = map.containsKey("prePromotionAnalysis")
                ? analysis(map.get("prePromotionAnalysis"), path + ".prePromotionAnalysis", true) : null;
        boolean autoEnabled = bool(map, "autoPromotionEnabled", path, true);
        int autoSeconds = 0;
        if (map.containsKey("autoPromotionSeconds")) {
            Integer n = wholeNumber(map.get("autoPromotionSeconds"), path + ".autoPromotionSeconds", 0, 86_400);
            autoSeconds = n == null ? 0 : n;
            if (!autoEnabled) {
                warnings.add(path + ".autoPromotionSeconds: ignored because autoPromotionEnabled is false");
            }
        }
        int delay = ReleaseSpec.BlueGreen.DEFAULT_SCALE_DOWN_DELAY_SECONDS;
        if (map.containsKey("scaleDownDelaySeconds")) {
            Integer n = wholeNumber(map.get("scaleDownDelaySeconds"), path + ".scaleDownDelaySeconds", 0, 86_400);
            delay = n == null ? delay : n;
        }
        return new ReleaseSpec.BlueGreen(previewPort, Optional.ofNullable(pre), autoEnabled, autoSeconds, delay);
    }

    @CheckForNull
    private AnalysisSpec analysis(@CheckForNull Object node, String path, boolean inline) {
        Map<?, ?> map = map(node, path);
        if (map == null) {
            return null;
        }
        warnUnknown(map, path, Set.of("metrics", "interval", "count", "failureLimit", "inconclusiveLimit"));
        int before = problems.size();
        List<MetricSpec> metrics = new ArrayList<>();
        Object metricsNode = map.get("metrics");
        if (metricsNode == null) {
            problem(path + ".metrics", "an analysis needs at least one metric (router, http or webhook)");
        } else {
            List<?> list = list(metricsNode, path + ".metrics");
            if (list != null) {
                if (list.isEmpty()) {
                    problem(path + ".metrics", "an analysis needs at least one metric (router, http or webhook)");
                }
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    String p = path + ".metrics[" + i + "]";
                    MetricSpec m = metric(list.get(i), p);
                    if (m != null && !names.add(m.name())) {
                        problem(p + ".name", "duplicate metric name " + show(m.name()) + "; give each metric its own name");
                    } else if (m != null) {
                        metrics.add(m);
                    }
                }
            }
        }
        Duration interval = map.containsKey("interval")
                ? duration(map.get("interval"), path + ".interval", true) : AnalysisSpec.DEFAULT_INTERVAL;
        int count;
        if (map.containsKey("count")) {
            Integer n = wholeNumber(map.get("count"), path + ".count", inline ? 1 : 0, 10_000);
            count = n == null ? 1 : n;
        } else {
            count = inline ? AnalysisSpec.DEFAULT_INLINE_COUNT : 0;
        }
        Integer failureLimit = map.containsKey("failureLimit")
                ? wholeNumber(map.get("failureLimit"), path + ".failureLimit", 0, 10_000) : Integer.valueOf(0);
        Integer inconclusiveLimit = map.containsKey("inconclusiveLimit")
                ? wholeNumber(map.get("inconclusiveLimit"), path + ".inconclusiveLimit", 0, 10_000) : Integer.valueOf(0);
        if (problems.size() > before || interval == null || failureLimit == null || inconclusiveLimit == null) {
            return null;
        }
        if (count > 0 && failureLimit >= count) {
            warnings.add(path + ".failureLimit: " + failureLimit + " >= count " + count
                    + ", so this analysis can never fail");
        }
        return new AnalysisSpec(metrics, interval, count, failureLimit, inconclusiveLimit);
    }

    @CheckForNull
    private MetricSpec metric(Object node, String path) {
        Map<?, ?> map = map(node, path);
        if (map == null) {
            return null;
        }
        List<String> providers = new ArrayList<>();
        for (Object k : map.keySet()) {
            String key = String.valueOf(k);
            if (PROVIDERS.contains(key)) {
                providers.add(key);
            } else if (!key.equals("name")) {
                unknown(path, key);
            }
        }
        if (providers.size() != 1) {
            problem(path, "needs exactly one provider: router, http or webhook"
                    + (providers.isEmpty() ? "" : ", got " + String.join(" and ", providers)));
            return null;
        }
        String provider = providers.get(0);
        String name = map.containsKey("name") ? string(map, "name", path, true) : provider;
        if (name == null) {
            return null;
        }
        String p = path + "." + provider;
        Map<?, ?> cfg = map(map.get(provider), p);
        if (cfg == null) {
            return null;
        }
        return switch (provider) {
            case "router" -> routerMetric(name, cfg, p);
            case "http" -> httpMetric(name, cfg, p);
            default -> webhookMetric(name, cfg, p);
        };
    }

    @CheckForNull
    private MetricSpec routerMetric(String name, Map<?, ?> cfg, String path) {
        warnUnknown(cfg, path, Set.of("successRate", "maxP99Ms", "minRequests"));
        int before = problems.size();
        Double rate = null;
        if (cfg.containsKey("successRate")) {
            Object v = cfg.get("successRate");
            if (v instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1) {
                rate = n.doubleValue();
            } else if (v instanceof Number n && n.doubleValue() > 1 && n.doubleValue() <= 100) {
                problem(path + ".successRate", "is a share from 0 to 1 (0.99 for 99%), got " + show(v));
            } else {
                problem(path + ".successRate", "must be a number from 0 to 1, e.g. 0.99, got " + show(v));
            }
        }
        Integer p99 = cfg.containsKey("maxP99Ms")
                ? wholeNumber(cfg.get("maxP99Ms"), path + ".maxP99Ms", 1, 3_600_000) : null;
        Integer minRequests = cfg.containsKey("minRequests")
                ? wholeNumber(cfg.get("minRequests"), path + ".minRequests", 1, Integer.MAX_VALUE)
                : Integer.valueOf((int) MetricSpec.RouterMetric.DEFAULT_MIN_REQUESTS);
        if (!cfg.containsKey("successRate") && !cfg.containsKey("maxP99Ms")) {
            problem(path, "needs successRate (e.g. 0.99) or maxP99Ms (e.g. 500), or both");
        }
        if (problems.size() > before || minRequests == null) {
            return null;
        }
        return new MetricSpec.RouterMetric(name, rate, p99 == null ? null : p99.longValue(), minRequests);
    }

    @CheckForNull
    private MetricSpec httpMetric(String name, Map<?, ?> cfg, String path) {
        warnUnknown(cfg, path, Set.of("path", "expectStatus", "timeout"));
        int before = problems.size();
        String probePath = string(cfg, "path", path, true);
        if (probePath != null && (!probePath.startsWith("/") || !isUriPath(probePath))) {
            problem(path + ".path", "must be a URL path starting with /, e.g. /healthz, got " + show(probePath));
        }
        Integer status = cfg.containsKey("expectStatus")
                ? wholeNumber(cfg.get("expectStatus"), path + ".expectStatus", 100, 599) : Integer.valueOf(200);
        Duration timeout = cfg.containsKey("timeout")
                ? duration(cfg.get("timeout"), path + ".timeout", true) : MetricSpec.HttpMetric.DEFAULT_TIMEOUT;
        if (problems.size() > before || probePath == null || status == null || timeout == null) {
            return null;
        }
        return new MetricSpec.HttpMetric(name, probePath, status, timeout);
    }

    @CheckForNull
    private MetricSpec webhookMetric(String name, Map<?, ?> cfg, String path) {
        warnUnknown(cfg, path, Set.of("url", "timeout"));
        int before = problems.size();
        String text = string(cfg, "url", path, true);
        URI url = text == null ? null : webhookUrl(text, path + ".url");
        Duration timeout = cfg.containsKey("timeout")
                ? duration(cfg.get("timeout"), path + ".timeout", true) : MetricSpec.WebhookMetric.DEFAULT_TIMEOUT;
        if (problems.size() > before || url == null || timeout == null) {
            return null;
        }
        return new MetricSpec.WebhookMetric(name, url, timeout);
    }

    @CheckForNull
    private URI webhookUrl(String text, String path) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problem(path, "is not a URL: " + e.getReason());
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            // The URL is not repeated: it carries a secret.
            problem(path, "must not carry credentials (user:password@); the webhook is called without them");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            problem(path, "must be an http:// or https:// URL with a host, got " + show(text));
            return null;
        }
        // Where the webhook may go is the runner's WebhookPolicy, checked on the resolved addresses at each call
        // (a name says nothing about where it points by then).
        return uri;
    }

    private static boolean isUriPath(String path) {
        try {
            URI u = new URI("http://127.0.0.1" + path);
            return u.getRawAuthority().equals("127.0.0.1");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    // ---- small readers that add a problem and return null on bad input ----

    @CheckForNull
    private Map<?, ?> map(@CheckForNull Object node, String path) {
        if (node instanceof Map<?, ?> m) {
            return m;
        }
        problem(path, "must be a mapping, got " + show(node));
        return null;
    }

    @CheckForNull
    private List<?> list(@CheckForNull Object node, String path) {
        if (node instanceof List<?> l) {
            return l;
        }
        problem(path, "must be a list, got " + show(node));
        return null;
    }

    @CheckForNull
    private Integer wholeNumber(@CheckForNull Object v, String path, int min, int max) {
        boolean whole = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof java.math.BigInteger
                || (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    && !Double.isInfinite(n.doubleValue()));
        if (whole) {
            double d = ((Number) v).doubleValue();
            if (d >= min && d <= max) {
                return (int) d;
            }
        }
        String range = max == Integer.MAX_VALUE ? min + " or more" : "from " + min + " to " + max;
        problem(path, "must be a whole number " + range + ", got " + show(v));
        return null;
    }

    @CheckForNull
    private Duration duration(@CheckForNull Object v, String path, boolean positive) {
        Duration d = null;
        if (v instanceof Integer || v instanceof Long) {
            d = Duration.ofSeconds(((Number) v).longValue());
        } else if (v instanceof String s) {
            try {
                d = Durations.parse(s);
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
                return null;
            }
        }
        if (d == null || d.isNegative() || positive && d.isZero()) {
            problem(path, "must be a positive duration such as 500ms, 30s, 2m or 1h, got " + show(v));
            return null;
        }
        return d;
    }

    private boolean bool(Map<?, ?> map, String key, String path, boolean dflt) {
        if (!map.containsKey(key)) {
            return dflt;
        }
        Object v = map.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        problem(path + "." + key, "must be true or false, got " + show(v));
        return dflt;
    }

    @CheckForNull
    private String string(Map<?, ?> map, String key, String path, boolean required) {
        Object v = map.get(key);
        if (v == null) {
            if (required) {
                problem(path + "." + key, "is required");
            }
            return null;
        }
        if (v instanceof String s && !s.isBlank()) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v); // YAML reads "value: 1" or "value: true" as scalars; the user meant text
        }
        problem(path + "." + key, "must be a non-empty string, got " + show(v));
        return null;
    }

    private void warnUnknown(Map<?, ?> map, String path, Set<String> known) {
        for (Object k : map.keySet()) {
            if (!known.contains(String.valueOf(k))) {
                unknown(path, String.valueOf(k));
            }
        }
    }

    private void unknown(String path, String key) {
        warnings.add(path + "." + key + ": unknown key, ignored");
    }

    private void problem(String path, String message) {
        problems.add(new ApiError.Problem(path, message));
    }

    /** The value as a user wrote it, for messages: {@code 150}, {@code 'abc'}, {@code a list}. */
    static String show(@CheckForNull Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(v);
    }
}
