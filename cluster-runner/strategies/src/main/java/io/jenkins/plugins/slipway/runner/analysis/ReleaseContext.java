package io.jenkins.plugins.slipway.runner.analysis;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an analysis run measures: the release, and for each service of the app its route and the replicas of the
 * new revision. The webhook provider POSTs it as JSON.
 *
 * @param app            the app's name
 * @param releaseId      the release being judged
 * @param stableRevision revision serving before the release; null for an app's first release
 * @param newRevision    the revision being judged (canary or green)
 * @param step           1-based step of the release that started the run; 0 for a background run
 * @param services       every service the release changes
 */
public record ReleaseContext(String app, String releaseId, @CheckForNull String stableRevision, String newRevision,
                             int step, List<ServiceTarget> services) {
    public ReleaseContext {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(newRevision, "newRevision");
        services = List.copyOf(services);
    }

    /**
     * The same release with the new revision's replicas as they are now, by service; a service not in
     * {@code byService} keeps its replicas.
     */
    public ReleaseContext withNewReplicas(Map<String, List<Endpoint>> byService) {
        List<ServiceTarget> now = services.stream()
                .map(s -> new ServiceTarget(s.service(), s.route(), byService.getOrDefault(s.service(), s.newReplicas())))
                .toList();
        return new ReleaseContext(app, releaseId, stableRevision, newRevision, step, now);
    }

    /** Every replica of the new revision, over all services. */
    public List<Endpoint> allNewReplicas() {
        return services.stream().flatMap(s -> s.newReplicas().stream()).toList();
    }

    /**
     * One service of the release.
     *
     * @param route       the router route carrying its traffic ({@code app/service}); null when it has no route
     * @param newReplicas where each replica of the new revision answers (loopback host and published port)
     */
    public record ServiceTarget(String service, @CheckForNull String route, List<Endpoint> newReplicas) {
        public ServiceTarget {
            Objects.requireNonNull(service, "service");
            newReplicas = List.copyOf(newReplicas);
        }
    }

    /** A replica's address as the runner reaches it. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
