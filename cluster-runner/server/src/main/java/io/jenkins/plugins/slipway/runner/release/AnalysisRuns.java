package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.analysis.AnalysisResult;
import io.jenkins.plugins.slipway.runner.analysis.AnalysisScheduler;
import io.jenkins.plugins.slipway.runner.analysis.Measurement;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.analysis.WebhookPolicy;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analyses of every release in progress, measured against the runner's router: one {@link ReleaseAnalyses}
 * per release, created on first use and closed when the release ends. Every measurement becomes an
 * {@code AnalysisMeasured} event with the measured values beside the thresholds.
 * <p>
 * Runs live in memory only. The strategies save where each run stands in the release state, so that a restarted
 * runner starts a run that was in progress again from scratch and keeps the verdicts already reached.
 */
public final class AnalysisRuns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnalysisRuns.class);

    private final Router router;
    private final EventLog events;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "slipway-analysis");
        t.setDaemon(true);
        return t;
    });
    private final AnalysisScheduler scheduler = AnalysisScheduler.of(executor, Clock.systemUTC());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final WebhookPolicy webhooks;
    private final Map<String, ReleaseAnalyses> byRelease = new ConcurrentHashMap<>();
    /** Phase of each release as its last pass left it: the phase its measurement events carry. */
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();

    public AnalysisRuns(Router router, EventLog events) {
        this(router, events, WebhookPolicy.publicOnly());
    }

    /** Runs whose webhooks may reach only what {@code webhooks} allows ({@code serve --webhook-allow}). */
    public AnalysisRuns(Router router, EventLog events, WebhookPolicy webhooks) {
        this.router = router;
        this.events = events;
        this.webhooks = webhooks;
    }

    /** The analyses of a release, created when first asked for. */
    public ReleaseAnalyses of(String releaseId, String app) {
        return byRelease.computeIfAbsent(releaseId, id -> new ReleaseAnalyses(router::snapshot, http, webhooks, scheduler,
                new ReleaseAnalyses.Listener() {
                    @Override
                    public void measured(ReleaseAnalyses.Slot slot, Measurement m) {
                        Map<String, Object> data = new LinkedHashMap<>(m.toEventData());
                        data.put("analysis", slot == ReleaseAnalyses.Slot.Background ? "background" : "step");
                        try {
                            events.append(id, app, EventTypes.ANALYSIS_MEASURED, phases.getOrDefault(id, Phase.Progressing),
                                    m.describe(), data);
                        } catch (RuntimeException e) {
                            LOG.warn("Release {}: cannot record a measurement: {}", id, e.toString());
                        }
                    }

                    @Override
                    public void ended(ReleaseAnalyses.Slot slot, AnalysisResult result) {
                        // The release's next pass (every 200 ms) reads the verdict.
                        LOG.info("Release {}: {} analysis ended: {}", id, slot, result.message());
                    }
                }));
    }

    /** Records the release's phase for the events of its measurements. */
    public void phase(String releaseId, Phase phase) {
        if (byRelease.containsKey(releaseId)) {
            phases.put(releaseId, phase);
        }
    }

    /** Cancels the release's runs and forgets it: it ended, rolled back or its app was deleted. */
    public void close(String releaseId) {
        ReleaseAnalyses a = byRelease.remove(releaseId);
        phases.remove(releaseId);
        if (a != null) {
            a.close();
        }
    }

    @Override
    public void close() {
        byRelease.keySet().forEach(this::close);
        executor.shutdownNow();
    }
}
