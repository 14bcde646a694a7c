package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import io.jenkins.plugins.slipway.runner.routing.OutlierDetection;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A route's spec compiled for the hot path: revisions as indexes, backends as arrays, weights as a slot
 * schedule, the sticky {@code Set-Cookie} values prebuilt. Immutable apart from two rotation cursors per
 * {@link Lanes lane}; a new spec gives a new table that replaces this one with a single volatile write.
 * <p>
 * Each lane (event loop) walks the weight schedule with a cursor of its own, so every 100 consecutive weighted
 * requests of one loop split exactly by the weights, and all loops together within one request per loop.
 * <p>
 * Health degrades, it does not fail closed: within a revision the healthy backends take the traffic while they
 * are at least {@link OutlierDetection#panicThresholdPercent()} of it, else every backend not ejected does
 * (panic). A revision whose backends are all ejected gives its share to the other weighted revisions; when nobody
 * at all is left, one backend is tried anyway, since an attempt costs less than a certain 502.
 */
final class RouteTable {
    /** Revision index meaning "no revision in particular": weights are empty, any backend of any revision. */
    static final int ANY = -1;

    final RouteSpec spec;
    final String[] revisions;
    final BackendState[][] byRevision;
    final BackendState[] all;
    final RevisionMetrics[] metrics;
    /** Metrics of requests that found no revision at all (empty weights and no backend). */
    final RevisionMetrics unrouted;
    private final int[] schedule;
    private final boolean[] weighted;
    private final MatchRule[] matches;
    private final int[] matchRevision;
    private final String stickyCookie;
    private final String[] stickySetCookie;
    /**
     * Per lane, at {@code (lane + 1) * CURSOR_STRIDE}: the weight schedule cursor, then the backend rotation.
     * Only the lane's own loop touches its cursors, so they are plain longs, 128 bytes apart from another lane's.
     */
    private final long[] cursors;
    private static final int CURSOR_STRIDE = 16;
    private final OutlierDetection outliers;

    /** The outcome of a choice, reused by one client connection across its requests. */
    static final class Selection {
        /** The lane (event loop) of the connection choosing. */
        int lane;
        int revision;
        BackendState backend;
        /** Sticky cookie header to add to the answer, or null. */
        String setCookie;
    }

    RouteTable(RouteSpec spec, int lanes, Function<Backend, BackendState> states,
               Function<String, RevisionMetrics> metricsOf) {
        this(spec, lanes, states, metricsOf, OutlierDetection.defaults());
    }

    RouteTable(RouteSpec spec, int lanes, Function<Backend, BackendState> states,
               Function<String, RevisionMetrics> metricsOf, OutlierDetection outliers) {
        this.spec = spec;
        this.outliers = outliers;
        this.cursors = new long[(lanes + 1) * CURSOR_STRIDE];
        Map<String, List<BackendState>> grouped = new LinkedHashMap<>();
        spec.weights().keySet().stream().sorted().forEach(r -> grouped.put(r, new ArrayList<>()));
        for (Backend b : spec.backends()) {
            grouped.computeIfAbsent(b.revision(), r -> new ArrayList<>()).add(states.apply(b));
        }
        for (MatchRule m : spec.matches()) {
            grouped.computeIfAbsent(m.revision(), r -> new ArrayList<>());
        }
        int n = grouped.size();
        revisions = grouped.keySet().toArray(new String[0]);
        byRevision = new BackendState[n][];
        metrics = new RevisionMetrics[n];
        int[] weights = new int[n];
        weighted = new boolean[n];
        stickyCookie = spec.sticky() ? Cookies.stickyName(spec.name()) : null;
        stickySetCookie = new String[n];
        List<BackendState> everyone = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byRevision[i] = grouped.get(revisions[i]).toArray(new BackendState[0]);
            everyone.addAll(grouped.get(revisions[i]));
            metrics[i] = metricsOf.apply(revisions[i]);
            weights[i] = spec.weights().getOrDefault(revisions[i], 0);
            weighted[i] = weights[i] > 0;
            if (stickyCookie != null) {
                stickySetCookie[i] = stickyCookie + "=" + revisions[i] + "; Path=/; HttpOnly";
            }
        }
        all = everyone.toArray(new BackendState[0]);
        schedule = WeightSchedule.build(weights);
        unrouted = metricsOf.apply("");
        matches = spec.matches().toArray(new MatchRule[0]);
        matchRevision = new int[matches.length];
        for (int i = 0; i < matches.length; i++) {
            matchRevision[i] = indexOf(matches[i].revision());
        }
    }

    int indexOf(String revision) {
        for (int i = 0; i < revisions.length; i++) {
            if (revisions[i].equals(revision)) {
                return i;
            }
        }
        return ANY;
    }

    /** The backends of {@code b}'s revision in this table (just {@code b} when the table does not list it). */
    BackendState[] siblingsOf(BackendState b) {
        int r = indexOf(b.backend.revision());
        return r == ANY ? new BackendState[] {b} : byRevision[r];
    }

    /** Whether a revision (an index, or {@link #ANY}) routes to unhealthy backends because too few are healthy. */
    boolean inPanic(int revision) {
        BackendState[] candidates = revision == ANY ? all : byRevision[revision];
        return outliers.inPanic(BackendChooser.available(candidates), candidates.length);
    }

    /** Where a request's figures go: its revision, or with empty weights the revision of the backend it went to. */
    RevisionMetrics metricsOf(Selection s) {
        if (s.revision != ANY) {
            return metrics[s.revision];
        }
        int r = s.backend == null ? ANY : indexOf(s.backend.backend.revision());
        return r == ANY ? unrouted : metrics[r];
    }

    /**
     * Chooses the revision and backend of a new request: match rules first, then the sticky cookie, then the
     * weights. {@code out.backend} is null when no backend can take the request.
     */
    void select(HttpHeaders headers, Selection out) {
        out.setCookie = null;
        String cookieHeader = null;
        boolean cookiesRead = false;
        for (int i = 0; i < matches.length; i++) {
            MatchRule m = matches[i];
            String v;
            if (m.kind() == MatchRule.Kind.HEADER) {
                v = headers.get(m.name());
            } else {
                if (!cookiesRead) {
                    cookieHeader = headers.get(HttpHeaderNames.COOKIE);
                    cookiesRead = true;
                }
                v = Cookies.value(cookieHeader, m.name());
            }
            if (m.value().equals(v)) {
                BackendState b = choose(matchRevision[i], null, out.lane);
                if (b != null) {
                    out.revision = matchRevision[i];
                    out.backend = b;
                    return;
                }
            }
        }
        int sticky = ANY;
        if (stickyCookie != null) {
            if (!cookiesRead) {
                cookieHeader = headers.get(HttpHeaderNames.COOKIE);
            }
            String v = Cookies.value(cookieHeader, stickyCookie);
            sticky = v == null ? ANY : indexOf(v);
            if (sticky != ANY && weighted[sticky]) {
                BackendState b = choose(sticky, null, out.lane);
                if (b != null) {
                    out.revision = sticky;
                    out.backend = b;
                    return;
                }
            }
        }
        selectWeighted(out, null);
        if (stickyCookie != null && out.backend != null && out.revision != ANY && out.revision != sticky) {
            out.setCookie = stickySetCookie[out.revision];
        }
    }

    /**
     * Chooses another backend for a request whose backend could not be reached: the same revision first, then
     * the weighted revisions. Leaves {@code out.revision} as it was when nothing is left.
     */
    void reselect(Selection out, Object[] tried) {
        BackendState b = choose(out.revision, tried, out.lane);
        if (b != null) {
            out.backend = b;
            return;
        }
        int revision = out.revision;
        selectWeighted(out, tried);
        if (out.backend == null) {
            out.revision = revision;
        }
    }

    private void selectWeighted(Selection out, Object[] tried) {
        if (schedule.length == 0) {
            out.revision = ANY;
            out.backend = choose(ANY, tried, out.lane);
            if (out.backend == null && tried == null && all.length > 0) {
                out.backend = all[0];
            }
            return;
        }
        int start = (int) Long.remainderUnsigned(cursors[(out.lane + 1) * CURSOR_STRIDE]++, schedule.length);
        int first = schedule[start];
        // The slot's revision has nobody available: walk on through the schedule, which visits the other
        // weighted revisions in proportion to their weights.
        for (int k = 0; k < schedule.length; k++) {
            int slot = start + k;
            int r = schedule[slot >= schedule.length ? slot - schedule.length : slot];
            BackendState b = choose(r, tried, out.lane);
            if (b != null) {
                out.revision = r;
                out.backend = b;
                return;
            }
        }
        out.revision = first;
        out.backend = tried == null ? lastResort(first) : null;
    }

    private BackendState choose(int revision, Object[] tried, int lane) {
        BackendState[] candidates = revision == ANY ? all : byRevision[revision];
        boolean panic = outliers.inPanic(BackendChooser.available(candidates), candidates.length);
        int i = BackendChooser.choose(candidates, cursors[(lane + 1) * CURSOR_STRIDE + 1]++, tried, lane, panic);
        return i < 0 ? null : candidates[i];
    }

    /**
     * With every backend of every weighted revision ejected, tries one anyway, the slot's revision first: an
     * ejection may be a beat behind a replica that just came back, and an attempt costs less than a certain 502.
     */
    private BackendState lastResort(int revision) {
        if (byRevision[revision].length > 0) {
            return byRevision[revision][0];
        }
        return all.length > 0 ? all[0] : null;
    }
}
