package io.jenkins.plugins.slipway.runner.compose;

import io.jenkins.plugins.slipway.runner.secrets.SecretStore;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Parsed specs of stored revisions: a revision never changes, so each is parsed once. */
public final class SpecCache {
    private final Database db;
    private final AppRepository apps;
    /** Stored revisions were accepted once; re-reading them must not depend on which strategies run today. */
    private final ComposeParser parser = new ComposeParser(io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec.STRATEGIES);
    private final Map<String, AppSpec> cache = new ConcurrentHashMap<>();
    private final SecretStore secrets;

    public SpecCache(Database db, AppRepository apps) {
        this(db, apps, null);
    }

    /** @param secrets where each revision's secret and config values are sealed; null for a runner without */
    public SpecCache(Database db, AppRepository apps, SecretStore secrets) {
        this.secrets = secrets;
        this.db = db;
        this.apps = apps;
    }

    /** The spec of {@code app} at {@code revision}, or empty when that revision is not stored. */
    public Optional<AppSpec> spec(String app, int revision) {
        String key = app + "@" + revision;
        AppSpec hit = cache.get(key);
        if (hit != null) {
            return Optional.of(hit);
        }
        Optional<RevisionRecord> rec = db.tx(c -> apps.revision(c, app, revision));
        if (rec.isEmpty()) {
            return Optional.empty();
        }
        try {
            FileInputs inputs = secrets == null ? FileInputs.NONE : secrets.inputs(secrets.load(app, revision));
            AppSpec spec = parser.parse(rec.get().compose(), rec.get().images(), inputs).spec();
            cache.put(key, spec);
            return Optional.of(spec);
        } catch (ComposeException e) {
            // It was valid when stored; only a parser change could get here.
            throw new IllegalStateException("stored revision " + key + " no longer parses: " + e.getMessage(), e);
        }
    }

    /** The spec of one service of {@code app} at {@code revision}. */
    public Optional<ServiceSpec> service(String app, int revision, String service) {
        return spec(app, revision).map(s -> s.services().get(service));
    }

    /** Forgets an app's specs (it was deleted). */
    public void evict(String app) {
        cache.keySet().removeIf(k -> k.startsWith(app + "@"));
    }
}
