package io.jenkins.plugins.slipway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The Release view's model, fed the events a canary emits (shapes as the runner writes them), and the view's
 * files: what the page shows and what its script reads from api/json must be what the action exports.
 */
class ReleaseActionTest {
    private long id;

    private ReleaseEvent event(String type, Phase phase, String message, Map<String, Object> data) {
        return new ReleaseEvent(++id, type, "shop-5-ab", "shop", "2026-11-22T12:00:00Z", phase, message, data);
    }

    private ReleaseAction canaryAtItsPause() {
        ReleaseAction action = new ReleaseAction("shop", "local", "http://127.0.0.1:8700", "shop-5-ab", 5);
        action.record(event("ReleaseStarted", Phase.Progressing, "release shop-5-ab started", Map.of()));
        action.record(event("StepStarted", Phase.Progressing, "step 1/4: setWeight 20",
                Map.of("step", 1, "stepCount", 4, "description", "setWeight 20", "canaryWeight", 0)));
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("4", 80);
        weights.put("5", 20);
        action.record(event("TrafficShifted", Phase.Progressing, "traffic web: rev 4 80% / rev 5 20%",
                Map.of("service", "web", "weights", weights, "canaryWeight", 20)));
        action.record(event("StepStarted", Phase.Progressing, "step 2/4: analysis",
                Map.of("step", 2, "stepCount", 4, "description", "analysis", "canaryWeight", 20)));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("requests", 140);
        values.put("successRate", 0.9929);
        values.put("p99Ms", 12.5);
        action.record(event("AnalysisMeasured", Phase.Progressing, "traffic #2/3: success rate 99.3% >= 99.0%",
                Map.of("metric", "traffic", "provider", "router", "index", 2, "count", 3, "verdict", "Successful",
                        "values", values, "thresholds", Map.of("successRate", 0.99, "p99Ms", 500))));
        action.record(event("StepStarted", Phase.Progressing, "step 3/4: pause",
                Map.of("step", 3, "stepCount", 4, "description", "pause", "canaryWeight", 20)));
        action.record(event("ReleasePaused", Phase.Paused, "paused until promoted", Map.of("indefinite", true)));
        return action;
    }

    @Test
    void aCanaryAtItsPauseShowsTheChainTheWeightsAndTheFigures() {
        ReleaseAction action = canaryAtItsPause();

        assertThat(action.getPhase()).isEqualTo("Paused");
        assertThat(action.isFinished()).isFalse();
        assertThat(action.getOutcome()).isEqualTo("paused at step 3 of 4");
        assertThat(action.getSetWeight()).isEqualTo(20);
        assertThat(action.getSteps()).extracting(ReleaseProgress.StepView::getNumber, ReleaseProgress.StepView::getDescription,
                ReleaseProgress.StepView::getState).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "setWeight 20", "done"),
                org.assertj.core.groups.Tuple.tuple(2, "analysis", "done"),
                org.assertj.core.groups.Tuple.tuple(3, "pause", "paused"),
                org.assertj.core.groups.Tuple.tuple(4, "", "pending"));
        assertThat(action.getWeights()).singleElement().satisfies(w -> {
            assertThat(w.getService()).isEqualTo("web");
            assertThat(w.getRevisions()).extracting(ReleaseProgress.RevisionWeight::getRevision,
                    ReleaseProgress.RevisionWeight::getPercent).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("4", 80), org.assertj.core.groups.Tuple.tuple("5", 20));
        });
        assertThat(action.getAnalysis()).singleElement().satisfies(m -> {
            assertThat(m.getMetric()).isEqualTo("traffic");
            assertThat(m.getIndex()).isEqualTo(2);
            assertThat(m.getCount()).isEqualTo(3);
            assertThat(m.getVerdict()).isEqualTo("Successful");
            assertThat(m.getFigures()).extracting(ReleaseProgress.Figure::getName, ReleaseProgress.Figure::getValue,
                    ReleaseProgress.Figure::getThreshold).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("requests", "140", null),
                    org.assertj.core.groups.Tuple.tuple("successRate", "0.9929", "0.99"),
                    org.assertj.core.groups.Tuple.tuple("p99Ms", "12.5", "500"));
        });
        assertThat(action.getDashboardUrl()).isEqualTo("http://127.0.0.1:8700/#/apps/shop/releases/shop-5-ab");
    }

    /** The runner's app status says what share of the requests each revision answered over the last minute. */
    @Test
    void theActualWeightsTheRouterMeasuredStandBesideTheSetOnes() {
        ReleaseAction action = canaryAtItsPause();
        assertThat(action.getActualWeight()).isEqualTo(-1);
        AppStatus.ServiceStatus web = new AppStatus.ServiceStatus("web", new AppStatus.Replicas(3, 3), Map.of(),
                new AppStatus.Route(8080, 80), Map.of("4", 80, "5", 20), Map.of("4", 77, "5", 23), List.of());
        AppStatus.ServiceStatus worker = new AppStatus.ServiceStatus("worker", new AppStatus.Replicas(1, 1), Map.of(),
                null, Map.of());

        action.observed(new AppStatus("shop", 5, List.of(web, worker), "shop-5-ab"));

        assertThat(action.getSetWeight()).isEqualTo(20);
        assertThat(action.getActualWeight()).isEqualTo(23);
        assertThat(action.getWeights()).singleElement().satisfies(w -> assertThat(w.getRevisions())
                .extracting(ReleaseProgress.RevisionWeight::getRevision, ReleaseProgress.RevisionWeight::getPercent,
                        ReleaseProgress.RevisionWeight::getActual)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("4", 80, 77),
                        org.assertj.core.groups.Tuple.tuple("5", 20, 23)));

        // A later traffic shift changes the weights set and keeps the last measured shares until the next look.
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("4", 60);
        weights.put("5", 40);
        action.record(event("TrafficShifted", Phase.Progressing, "traffic web: rev 4 60% / rev 5 40%",
                Map.of("service", "web", "weights", weights, "canaryWeight", 40)));
        assertThat(action.getWeights().get(0).getRevisions()).extracting(ReleaseProgress.RevisionWeight::getPercent,
                ReleaseProgress.RevisionWeight::getActual).containsExactly(
                org.assertj.core.groups.Tuple.tuple(60, 77), org.assertj.core.groups.Tuple.tuple(40, 23));
    }

    @Test
    void aReplayedEventChangesNothingAndTheEndMarksEveryStepDone() {
        ReleaseAction action = canaryAtItsPause();
        long last = action.getLastEventId();
        action.record(new ReleaseEvent(2, "StepStarted", "shop-5-ab", "shop", null, Phase.Progressing, "step 1/4: x",
                Map.of("step", 1, "stepCount", 4, "description", "replayed")));
        assertThat(action.getSteps().get(0).getDescription()).isEqualTo("setWeight 20");
        assertThat(action.getLastEventId()).isEqualTo(last);

        action.record(event("ReleaseSucceeded", Phase.Succeeded, "release shop-5-ab succeeded", Map.of()));
        assertThat(action.isFinished()).isTrue();
        assertThat(action.getOutcome()).isEqualTo("succeeded");
        assertThat(action.getSteps()).extracting(ReleaseProgress.StepView::getState).containsOnly("done");
    }

    @Test
    void aRollbackShowsOnTheStepItHappenedAt() {
        ReleaseAction action = canaryAtItsPause();
        action.record(event("ReleaseRolledBack", Phase.RolledBack, "rolled back: success rate 71% < 99%", Map.of()));
        assertThat(action.getOutcome()).isEqualTo("rolled back");
        assertThat(action.getSteps()).extracting(ReleaseProgress.StepView::getState)
                .containsExactly("done", "done", "RolledBack", "pending");
    }

    /** Every name the script asks api/json for (its tree) is an exported property of the bean it reads. */
    @Test
    void theScriptReadsOnlyWhatTheActionExports() throws IOException {
        String js = resource("releaseView.js");
        Matcher tree = Pattern.compile("const TREE = ((?:\"[^\"]*\"\\s*\\+?\\s*)+);").matcher(js);
        assertThat(tree.find()).as("TREE in releaseView.js").isTrue();
        String spec = tree.group(1).replaceAll("\"\\s*\\+\\s*\"", "").replace("\"", "");
        Set<String> missing = new TreeSet<>();
        check(ReleaseAction.class, spec, missing);
        assertThat(missing).as("tree names without an @Exported getter").isEmpty();
        assertThat(js).contains("api").doesNotContain("innerHTML", "eval(", "http://", "https://");
        assertThat(js).contains("textContent");
    }

    @Test
    void theViewsAreEscapedAndNeedNothingFromElsewhere() throws IOException {
        String index = resource("index.jelly");
        String summary = resource("summary.jelly");
        assertThat(index).startsWith("<?jelly escape-by-default='true'?>")
                .contains("<st:adjunct includes=\"io.jenkins.plugins.slipway.deploy.ReleaseAction.releaseView\"/>")
                .contains("${it.dashboardUrl}", "data-list=\"steps\"", "data-list=\"weights\"", "data-list=\"analysis\"",
                        "data-field=\"setWeight\"", "data-field=\"actualWeight\"")
                .doesNotContain("<script");
        assertThat(resource("releaseView.css")).isNotNull();
        assertThat(summary).startsWith("<?jelly escape-by-default='true'?>")
                .contains("${it.app}", "${it.revision}", "${it.outcome}", "${it.dashboardUrl}");
        for (String view : List.of(index, summary)) {
            Matcher m = Pattern.compile("\\$\\{it\\.([a-zA-Z]+)").matcher(view);
            while (m.find()) {
                assertThat(getter(ReleaseAction.class, m.group(1))).as("ReleaseAction property " + m.group(1)).isNotNull();
            }
        }
    }

    /** Walks a Stapler tree spec ("a,b[c,d]") against the @Exported getters of a bean class. */
    private static void check(Class<?> bean, String spec, Set<String> missing) {
        assertThat(bean.isAnnotationPresent(ExportedBean.class)).as(bean + " is an @ExportedBean").isTrue();
        for (String part : split(spec)) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            Method getter = getter(bean, name);
            if (getter == null || !getter.isAnnotationPresent(Exported.class)) {
                missing.add(bean.getSimpleName() + "." + name);
                continue;
            }
            if (bracket >= 0) {
                Class<?> element = (Class<?>) ((java.lang.reflect.ParameterizedType) getter.getGenericReturnType())
                        .getActualTypeArguments()[0];
                check(element, part.substring(bracket + 1, part.length() - 1), missing);
            }
        }
    }

    private static List<String> split(String spec) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(spec.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(spec.substring(from));
        return parts;
    }

    private static Method getter(Class<?> type, String property) {
        String suffix = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String prefix : List.of("get", "is")) {
            try {
                return type.getMethod(prefix + suffix);
            } catch (NoSuchMethodException e) {
                // try the other prefix
            }
        }
        return null;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ReleaseAction.class.getResourceAsStream("ReleaseAction/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
