package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code slipway-runner get APP} prints, in the shape of {@code kubectl argo rollouts get rollout}: a
 * header (status, strategy, step, set and actual weight, images, replica counts) and a tree of revisions, their
 * replica sets and replicas, and the release's analysis runs. A pure function of the runner's answers and the
 * release's events, so that a test can pin its text.
 */
final class RolloutView {
    static final String HEALTHY = "✔";
    static final String PROGRESSING = "◌";
    static final String PAUSED = "॥";
    static final String DEGRADED = "✖";
    static final String WARNING = "⚠";
    static final String SCALED_DOWN = "•";

    private final AppStatus app;
    private final ReleaseStatus release;
    private final List<ReleaseEvent> events;
    private final Instant now;

    /**
     * @param release the app's current (or last) release; null before its first
     * @param events  that release's events so far, in order
     * @param now     the instant ages are counted to
     */
    RolloutView(AppStatus app, ReleaseStatus release, List<ReleaseEvent> events, Instant now) {
        this.app = app;
        this.release = release;
        this.events = List.copyOf(events);
        this.now = now;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        header(out);
        out.append('\n');
        tree(out);
        return out.toString();
    }

    private void header(StringBuilder out) {
        field(out, "Name:", app.name());
        field(out, "Status:", status());
        String message = release == null ? null : release.message();
        if (message != null && !message.isBlank()) {
            field(out, "Message:", message);
        }
        if (release != null) {
            field(out, "Strategy:", release.strategy());
            field(out, "  Step:", release.step() + "/" + release.stepCount());
            field(out, "  SetWeight:", String.valueOf(setWeight()));
            field(out, "  ActualWeight:", actualWeight());
        }
        List<String> images = images();
        for (int i = 0; i < images.size(); i++) {
            field(out, i == 0 ? "Images:" : "", images.get(i));
        }
        out.append("Replicas:\n");
        field(out, "  Desired:", String.valueOf(desired()));
        field(out, "  Current:", String.valueOf(replicas().size()));
        field(out, "  Updated:", String.valueOf(replicas().stream().filter(r -> r.revision == canaryOrServing()).count()));
        field(out, "  Ready:", String.valueOf(replicas().stream().filter(r -> r.status.health().equals("healthy")).count()));
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(String.format("%-17s%s%n", name, value));
    }

    /** The app's status with its icon, as Argo Rollouts words it. */
    String status() {
        if (release == null) {
            return replicas().stream().allMatch(r -> r.status.health().equals("healthy"))
                    ? HEALTHY + " Healthy" : PROGRESSING + " Progressing";
        }
        return switch (release.phase()) {
            case Succeeded -> HEALTHY + " Healthy";
            case Paused -> PAUSED + " Paused";
            case Pending, Progressing -> PROGRESSING + " Progressing";
            case Failed, RolledBack, Aborted -> DEGRADED + " Degraded";
        };
    }

    private boolean releaseActive() {
        return release != null && !release.phase().isTerminal();
    }

    /** The revision that serves as stable: the release's starting point while it runs, else the app's. */
    private int stableRevision() {
        if (release == null) {
            return app.revision();
        }
        if (releaseActive() || release.phase() != Phase.Succeeded) {
            return release.fromRevision() == null ? -1 : release.fromRevision();
        }
        return release.toRevision();
    }

    /** The canary (new) revision while a release runs; -1 otherwise. */
    private int canaryRevision() {
        return releaseActive() ? release.toRevision() : -1;
    }

    private int canaryOrServing() {
        return releaseActive() ? release.toRevision() : stableRevision();
    }

    private int setWeight() {
        if (releaseActive()) {
            return release.canaryWeight();
        }
        return release.phase() == Phase.Succeeded ? 100 : 0;
    }

    /** The new revision's share of the requests the router answered over the last minute. */
    private String actualWeight() {
        String revision = String.valueOf(release.toRevision());
        long total = 0;
        long revisionShare = 0;
        for (AppStatus.ServiceStatus svc : app.services()) {
            if (!svc.actualWeights().isEmpty()) {
                total++;
                revisionShare += svc.actualWeights().getOrDefault(revision, 0);
            }
        }
        return total == 0 ? "-" : String.valueOf(revisionShare / total);
    }

    private List<String> images() {
        List<String> lines = new ArrayList<>();
        boolean several = app.services().size() > 1;
        for (AppStatus.ServiceStatus svc : app.services()) {
            new TreeMap<>(svc.images()).descendingMap().forEach((rev, ref) -> {
                String mark = mark(Integer.parseInt(rev));
                if (mark != null) {
                    lines.add((several ? svc.name() + ": " : "") + ref + " (" + mark + ")");
                }
            });
        }
        return lines;
    }

    /** "stable", "canary", or null for a revision that is neither. */
    private String mark(int revision) {
        if (revision == canaryRevision()) {
            return "canary";
        }
        return revision == stableRevision() ? "stable" : null;
    }

    /** Replicas the app runs when no release is under way: per service, its largest replica set. */
    private int desired() {
        return app.services().stream().mapToInt(s -> s.replicaSets().stream().mapToInt(AppStatus.ReplicaSetStatus::desired)
                .max().orElse(s.replicas().desired())).sum();
    }

    private record Row(String prefix, String icon, String name, String kind, String status, String age, String info) {
    }

    private record PlacedReplica(int revision, AppStatus.ReplicaStatus status) {
    }

    private List<PlacedReplica> replicas() {
        List<PlacedReplica> all = new ArrayList<>();
        for (AppStatus.ServiceStatus svc : app.services()) {
            for (AppStatus.ReplicaSetStatus set : svc.replicaSets()) {
                set.replicas().forEach(r -> all.add(new PlacedReplica(set.revision(), r)));
            }
        }
        return all;
    }

    private void tree(StringBuilder out) {
        List<Row> rows = new ArrayList<>();
        String releaseInfo = release == null ? "" : "release " + release.id();
        rows.add(new Row("", "⟳ ", app.name(), "App", status(), age(releaseStart()), releaseInfo));
        // Newest revision first, as kubectl lists revisions.
        Map<Integer, List<Object>> children = new TreeMap<>(Comparator.reverseOrder());
        for (AppStatus.ServiceStatus svc : app.services()) {
            for (AppStatus.ReplicaSetStatus set : svc.replicaSets()) {
                children.computeIfAbsent(set.revision(), r -> new ArrayList<>()).add(new ServiceSet(svc, set));
            }
        }
        if (release != null) {
            for (AnalysisRun run : analysisRuns()) {
                children.computeIfAbsent(release.toRevision(), r -> new ArrayList<>()).add(run);
            }
        }
        int r = 0;
        for (Map.Entry<Integer, List<Object>> revision : children.entrySet()) {
            boolean lastRevision = ++r == children.size();
            String branch = lastRevision ? "└──" : "├──";
            String indent = lastRevision ? "   " : "│  ";
            rows.add(new Row(branch, "# ", "revision:" + revision.getKey(), "", "", "", ""));
            List<Object> kids = revision.getValue();
            for (int k = 0; k < kids.size(); k++) {
                boolean lastKid = k == kids.size() - 1;
                String kidBranch = indent + (lastKid ? "└──" : "├──");
                String kidIndent = indent + (lastKid ? "   " : "│  ");
                if (kids.get(k) instanceof ServiceSet s) {
                    setRows(rows, s, kidBranch, kidIndent);
                } else {
                    AnalysisRun run = (AnalysisRun) kids.get(k);
                    rows.add(new Row(kidBranch, "α ", run.name, "AnalysisRun", run.status(), age(run.started), run.counts()));
                }
            }
        }
        table(out, rows);
    }

    private record ServiceSet(AppStatus.ServiceStatus service, AppStatus.ReplicaSetStatus set) {
    }

    private void setRows(List<Row> rows, ServiceSet s, String branch, String indent) {
        AppStatus.ReplicaSetStatus set = s.set();
        List<AppStatus.ReplicaStatus> replicas = set.replicas();
        long healthy = replicas.stream().filter(x -> x.health().equals("healthy")).count();
        String status = set.desired() == 0 && replicas.isEmpty() ? SCALED_DOWN + " ScaledDown"
                : healthy == set.desired() && replicas.size() == set.desired() ? HEALTHY + " Healthy"
                : PROGRESSING + " Progressing";
        String actual = s.service().actualWeights().isEmpty() ? ""
                : " (actual " + s.service().actualWeights().getOrDefault(String.valueOf(set.revision()), 0) + "%)";
        String weight = s.service().route() == null ? "" : "weight " + set.weight() + "%" + actual;
        rows.add(new Row(branch, "⧉ ", s.service().name() + "-" + set.revision(), "ReplicaSet", status,
                age(firstStart(replicas)), join(mark(set.revision()), weight)));
        for (int i = 0; i < replicas.size(); i++) {
            AppStatus.ReplicaStatus replica = replicas.get(i);
            rows.add(new Row(indent + (i == replicas.size() - 1 ? "└──" : "├──"), "□ ", replica.name(), "Replica",
                    health(replica.health()), age(started().get(replica.name())),
                    replica.health().equals("healthy") ? "ready:1/1" : "ready:0/1"));
        }
    }

    private static String join(String a, String b) {
        if (a == null || a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : a + ", " + b;
    }

    private static String health(String health) {
        return switch (health) {
            case "healthy" -> HEALTHY + " Healthy";
            case "starting" -> PROGRESSING + " Starting";
            default -> DEGRADED + " Unhealthy";
        };
    }

    private static void table(StringBuilder out, List<Row> rows) {
        int name = "NAME".length();
        int kind = "KIND".length();
        int status = "STATUS".length();
        int age = "AGE".length();
        for (Row row : rows) {
            name = Math.max(name, row.prefix.length() + row.icon.length() + row.name.length());
            kind = Math.max(kind, row.kind.length());
            status = Math.max(status, row.status.length());
            age = Math.max(age, row.age.length());
        }
        String format = "%-" + (name + 2) + "s%-" + (kind + 2) + "s%-" + (status + 2) + "s%-" + (age + 2) + "s%s";
        out.append(String.format(format, "NAME", "KIND", "STATUS", "AGE", "INFO").stripTrailing()).append('\n');
        for (Row row : rows) {
            out.append(String.format(format, row.prefix + row.icon + row.name, row.kind, row.status, row.age, row.info)
                    .stripTrailing()).append('\n');
        }
    }

    private Instant releaseStart() {
        return events.stream().filter(e -> e.type().equals(EventTypes.RELEASE_STARTED)).map(e -> time(e))
                .findFirst().orElse(null);
    }

    /**
     * When each replica of this release came up, by name ({@code web-5-1}): its {@code ReplicaStarted} event, or
     * for strategies that report only health, its first health verdict.
     */
    private Map<String, Instant> started() {
        Map<String, Instant> started = new HashMap<>();
        for (ReleaseEvent e : events) {
            boolean aboutReplica = e.type().equals(EventTypes.REPLICA_STARTED) || e.type().equals(EventTypes.REPLICA_HEALTHY)
                    || e.type().equals(EventTypes.REPLICA_UNHEALTHY);
            if (aboutReplica && e.data().get("replica") instanceof String name && time(e) != null) {
                if (e.type().equals(EventTypes.REPLICA_STARTED)) {
                    started.put(name, time(e));
                } else {
                    started.putIfAbsent(name, time(e));
                }
            }
        }
        return started;
    }

    private Instant firstStart(List<AppStatus.ReplicaStatus> replicas) {
        Map<String, Instant> started = started();
        return replicas.stream().map(r -> started.get(r.name())).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
    }

    /** One run of an analysis: the measurements of one step's analysis, or of the background analysis. */
    private static final class AnalysisRun {
        final String name;
        final Instant started;
        final Map<String, Integer> verdicts = new LinkedHashMap<>();

        AnalysisRun(String name, Instant started) {
            this.name = name;
            this.started = started;
        }

        int count(String verdict) {
            return verdicts.getOrDefault(verdict, 0);
        }

        String status() {
            if (count("Failed") > 0) {
                return DEGRADED + " Failed";
            }
            if (count("Error") > 0 || count("Inconclusive") > 0) {
                return WARNING + " Inconclusive";
            }
            return HEALTHY + " Successful";
        }

        String counts() {
            StringBuilder s = new StringBuilder();
            append(s, HEALTHY, count("Successful"));
            append(s, DEGRADED, count("Failed") + count("Error"));
            append(s, WARNING, count("Inconclusive"));
            return s.toString();
        }

        private static void append(StringBuilder s, String icon, int n) {
            if (n > 0) {
                s.append(s.length() == 0 ? "" : " ").append(icon).append(' ').append(n);
            }
        }
    }

    /** The release's analysis runs, in the order they started, from its {@code AnalysisMeasured} events. */
    private List<AnalysisRun> analysisRuns() {
        Map<String, AnalysisRun> runs = new LinkedHashMap<>();
        Object step = 0;
        for (ReleaseEvent e : events) {
            if (e.type().equals(EventTypes.STEP_STARTED)) {
                step = e.data().getOrDefault("step", step);
            } else if (e.type().equals(EventTypes.ANALYSIS_MEASURED)) {
                String name = release.id() + ("background".equals(e.data().get("analysis"))
                        ? "-background" : "-step-" + step);
                AnalysisRun run = runs.computeIfAbsent(name, n -> new AnalysisRun(n, time(e)));
                run.verdicts.merge(String.valueOf(e.data().get("verdict")), 1, Integer::sum);
            }
        }
        return new ArrayList<>(runs.values());
    }

    private static Instant time(ReleaseEvent e) {
        try {
            return e.time() == null ? null : Instant.parse(e.time());
        } catch (DateTimeParseException ex) {
            return null;
        }
    }

    /** As kubectl prints ages: {@code 45s}, {@code 3m12s}, {@code 25m}, {@code 5h12m}, {@code 3d}; "-" unknown. */
    String age(Instant since) {
        if (since == null) {
            return "-";
        }
        long s = Math.max(0, Duration.between(since, now).toSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h" + (s / 60 % 60 == 0 ? "" : s / 60 % 60 + "m");
        }
        return s / 86400 + "d";
    }
}
