package io.jenkins.plugins.slipway.deploy;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What the build page shows of a release, folded from its events as they arrive: the step chain with the
 * current step, the weights set per service beside the shares the router measured (from the runner's app
 * status), and the latest analysis figures per metric. Plain fields and
 * lists only: Jenkins keeps it in build.xml (XStream) and serves it at {@code .../api/json} (Stapler export).
 */
@ExportedBean
public final class ReleaseProgress {
    /** A release has a handful of steps and metrics; a runaway one must not bloat build.xml. */
    static final int MAX_ENTRIES = 200;

    /** 1-based number of the step being run; 0 before the first. */
    private int step;
    /** How many steps the release has; 0 until the first step says. */
    private int stepCount;
    /** Percent of traffic the new revision is set to get; -1 until a step or a traffic shift says. */
    private int setWeight = -1;
    /** Percent of requests the new revision answered over the last minute, as the router counted; -1 unknown. */
    private int actualWeight = -1;
    private final List<Step> steps = new ArrayList<>();
    private final List<ServiceWeights> weights = new ArrayList<>();
    private final List<Metric> analysis = new ArrayList<>();

    /** Folds one event in; events the page has no use for change nothing. */
    void record(ReleaseEvent event) {
        Map<String, Object> data = event.data();
        switch (event.type()) {
            case EventTypes.STEP_STARTED -> {
                step = number(data.get("step"), step);
                stepCount = number(data.get("stepCount"), stepCount);
                setWeight = number(data.get("canaryWeight"), setWeight);
                Object description = data.get("description");
                describe(step, description != null ? String.valueOf(description) : withoutPrefix(event.message()));
            }
            case EventTypes.TRAFFIC_SHIFTED -> {
                setWeight = number(data.get("canaryWeight"), setWeight);
                if (data.get("service") != null && data.get("weights") instanceof Map<?, ?> byRevision) {
                    shifted(String.valueOf(data.get("service")), byRevision);
                }
            }
            case EventTypes.ANALYSIS_MEASURED -> measured(data, event.message());
            default -> {
                // phase and message are the action's; other events carry nothing this view shows
            }
        }
    }

    private void describe(int number, String description) {
        for (Step s : steps) {
            if (s.number == number) {
                s.description = description;
                return;
            }
        }
        if (number > 0 && steps.size() < MAX_ENTRIES) {
            steps.add(new Step(number, description));
        }
    }

    private void shifted(String service, Map<?, ?> byRevision) {
        ServiceWeights sw = service(service);
        if (sw == null) {
            return;
        }
        Map<String, Integer> actual = new LinkedHashMap<>();
        sw.revisions.forEach(r -> actual.put(r.revision, r.actual));
        sw.revisions.clear();
        for (Map.Entry<?, ?> e : byRevision.entrySet()) {
            String revision = String.valueOf(e.getKey());
            sw.revisions.add(new RevisionWeight(revision, number(e.getValue(), 0), actual.getOrDefault(revision, -1)));
        }
    }

    /**
     * What the router measured: each routed service's share of requests per revision over the last minute, from
     * the runner's app status. Revisions the router answered for but no weight was set on are listed too.
     */
    void observed(AppStatus status, int newRevision) {
        boolean headline = true;
        for (AppStatus.ServiceStatus service : status.services()) {
            ServiceWeights sw = service.route() == null ? null : service(service.name());
            if (sw == null) {
                continue;
            }
            Map<String, Integer> actual = service.actualWeights();
            Map<String, Integer> set = new LinkedHashMap<>(service.weights() == null ? Map.of() : service.weights());
            actual.keySet().forEach(rev -> set.putIfAbsent(rev, 0));
            sw.revisions.clear();
            set.forEach((rev, pct) -> sw.revisions.add(new RevisionWeight(rev, pct,
                    actual.isEmpty() ? -1 : actual.getOrDefault(rev, 0))));
            if (headline) {
                // The new revision's share on the first routed service, beside setWeight.
                actualWeight = actual.isEmpty() ? -1 : actual.getOrDefault(String.valueOf(newRevision), 0);
                headline = false;
            }
        }
    }

    private ServiceWeights service(String name) {
        for (ServiceWeights w : weights) {
            if (w.service.equals(name)) {
                return w;
            }
        }
        if (weights.size() >= MAX_ENTRIES) {
            return null;
        }
        ServiceWeights w = new ServiceWeights(name);
        weights.add(w);
        return w;
    }

    private void measured(Map<String, Object> data, String line) {
        if (data.get("metric") == null) {
            return;
        }
        String name = String.valueOf(data.get("metric"));
        Metric m = analysis.stream().filter(a -> a.metric.equals(name)).findFirst().orElse(null);
        if (m == null) {
            if (analysis.size() >= MAX_ENTRIES) {
                return;
            }
            m = new Metric(name);
            analysis.add(m);
        }
        m.provider = text(data.get("provider"));
        m.index = number(data.get("index"), m.index);
        m.count = number(data.get("count"), m.count);
        m.verdict = text(data.get("verdict"));
        m.message = line;
        m.figures.clear();
        Map<?, ?> thresholds = data.get("thresholds") instanceof Map<?, ?> t ? t : Map.of();
        if (data.get("values") instanceof Map<?, ?> values) {
            for (Map.Entry<?, ?> v : values.entrySet()) {
                Object threshold = thresholds.get(v.getKey());
                m.figures.add(new Figure(String.valueOf(v.getKey()), text(v.getValue()), text(threshold)));
            }
        }
    }

    /** "step 2/4: setWeight 40" gives "setWeight 40". */
    private static String withoutPrefix(String message) {
        if (message == null) {
            return "";
        }
        int colon = message.indexOf(": ");
        return message.startsWith("step ") && colon > 0 ? message.substring(colon + 2) : message;
    }

    private static int number(Object value, int otherwise) {
        return value instanceof Number n ? n.intValue() : otherwise;
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    @Exported
    public int getStep() {
        return step;
    }

    @Exported
    public int getStepCount() {
        return stepCount;
    }

    /** Percent of traffic set for the new revision; -1 while unknown. */
    @Exported
    public int getSetWeight() {
        return setWeight;
    }

    /**
     * The whole chain, 1 to stepCount: each step seen so far with its description, the ones still to come
     * without. State: {@code done}, {@code current}, {@code pending}, or the phase of a release that ended on it.
     */
    List<StepView> chain(Phase phase) {
        List<StepView> chain = new ArrayList<>();
        int last = Math.max(stepCount, steps.stream().mapToInt(s -> s.number).max().orElse(0));
        for (int n = 1; n <= Math.min(last, MAX_ENTRIES); n++) {
            String description = "";
            for (Step s : steps) {
                if (s.number == n) {
                    description = s.description;
                }
            }
            chain.add(new StepView(n, description, state(n, phase)));
        }
        return chain;
    }

    private String state(int n, Phase phase) {
        if (phase == Phase.Succeeded || n < step) {
            return "done";
        }
        if (n > step) {
            return "pending";
        }
        return phase.isTerminal() ? phase.name() : phase == Phase.Paused ? "paused" : "current";
    }

    /** Percent of requests the new revision answered over the last minute (router's count); -1 while unknown. */
    @Exported
    public int getActualWeight() {
        return actualWeight;
    }

    @Exported
    public List<ServiceWeights> getWeights() {
        return List.copyOf(weights);
    }

    @Exported
    public List<Metric> getAnalysis() {
        return List.copyOf(analysis);
    }

    /** A step as the runner announced it. */
    static final class Step {
        final int number;
        String description;

        Step(int number, String description) {
            this.number = number;
            this.description = description;
        }
    }

    /** One link of the step chain, for the page. */
    @ExportedBean
    public static final class StepView {
        private final int number;
        private final String description;
        private final String state;

        StepView(int number, String description, String state) {
            this.number = number;
            this.description = description;
            this.state = state;
        }

        @Exported
        public int getNumber() {
            return number;
        }

        @Exported
        public String getDescription() {
            return description;
        }

        @Exported
        public String getState() {
            return state;
        }
    }

    /** The weights last set on one service's route, by revision. */
    @ExportedBean
    public static final class ServiceWeights {
        private final String service;
        private final List<RevisionWeight> revisions = new ArrayList<>();

        ServiceWeights(String service) {
            this.service = service;
        }

        @Exported
        public String getService() {
            return service;
        }

        @Exported
        public List<RevisionWeight> getRevisions() {
            return List.copyOf(revisions);
        }
    }

    /** Percent of a route's traffic set for one revision, and the share of requests it actually answered. */
    @ExportedBean
    public static final class RevisionWeight {
        private final String revision;
        private final int percent;
        private final int actual;

        RevisionWeight(String revision, int percent, int actual) {
            this.revision = revision;
            this.percent = percent;
            this.actual = actual;
        }

        @Exported
        public String getRevision() {
            return revision;
        }

        /** The weight set. */
        @Exported
        public int getPercent() {
            return percent;
        }

        /** Percent of requests answered over the last minute; -1 until the runner reported it. */
        @Exported
        public int getActual() {
            return actual;
        }
    }

    /** The latest measurement of one analysis metric. */
    @ExportedBean
    public static final class Metric {
        private final String metric;
        private String provider;
        private int index;
        private int count;
        private String verdict;
        private String message;
        private final List<Figure> figures = new ArrayList<>();

        Metric(String metric) {
            this.metric = metric;
        }

        @Exported
        public String getMetric() {
            return metric;
        }

        @Exported
        public String getProvider() {
            return provider;
        }

        /** 1-based number of the latest measurement. */
        @Exported
        public int getIndex() {
            return index;
        }

        /** Measurements the run takes; 0 for a background run. */
        @Exported
        public int getCount() {
            return count;
        }

        @Exported
        public String getVerdict() {
            return verdict;
        }

        @Exported
        public String getMessage() {
            return message;
        }

        @Exported
        public List<Figure> getFigures() {
            return List.copyOf(figures);
        }
    }

    /** One measured value beside the threshold it is judged against (null when none). */
    @ExportedBean
    public static final class Figure {
        private final String name;
        private final String value;
        private final String threshold;

        Figure(String name, String value, String threshold) {
            this.name = name;
            this.value = value;
            this.threshold = threshold;
        }

        @Exported
        public String getName() {
            return name;
        }

        @Exported
        public String getValue() {
            return value;
        }

        @Exported
        public String getThreshold() {
            return threshold;
        }
    }
}
