package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.routing.Backend;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Revision choice without any network: match rules, sticky cookie, weights, fallbacks. */
class RouteTableTest {
    private static final int LANES = 2;
    private final Map<String, BackendState> states = new HashMap<>();

    private RouteTable table(Map<String, Integer> weights, List<MatchRule> matches, boolean sticky) {
        List<Backend> backends = List.of(new Backend("s1", "1", "127.0.0.1", 1), new Backend("s2", "1", "127.0.0.1", 2),
                new Backend("c1", "2", "127.0.0.1", 3));
        RouteSpec spec = new RouteSpec("shop/web", "127.0.0.1", 0, backends, weights, matches, sticky);
        return new RouteTable(spec, LANES, b -> states.computeIfAbsent(b.id(), k -> new BackendState(b, LANES)),
                r -> new RevisionMetrics(LANES));
    }

    private static String revisionOf(RouteTable t, HttpHeaders h) {
        RouteTable.Selection s = new RouteTable.Selection();
        t.select(h, s);
        return s.backend == null ? null : s.backend.backend.revision();
    }

    @Test
    void headerRuleReachesARevisionAtWeightZero() {
        RouteTable t = table(Map.of("1", 100, "2", 0),
                List.of(new MatchRule(MatchRule.Kind.HEADER, "X-Canary", "always", "2")), false);

        assertThat(revisionOf(t, new DefaultHttpHeaders().add("x-canary", "always"))).isEqualTo("2");
        assertThat(revisionOf(t, new DefaultHttpHeaders().add("X-Canary", "never"))).isEqualTo("1");
        assertThat(revisionOf(t, new DefaultHttpHeaders())).isEqualTo("1");
    }

    @Test
    void cookieRuleReachesARevisionAtWeightZero() {
        RouteTable t = table(Map.of("1", 100, "2", 0),
                List.of(new MatchRule(MatchRule.Kind.COOKIE, "beta", "yes", "2")), false);

        assertThat(revisionOf(t, new DefaultHttpHeaders().add("Cookie", "a=b; beta=yes"))).isEqualTo("2");
        assertThat(revisionOf(t, new DefaultHttpHeaders().add("Cookie", "beta=no"))).isEqualTo("1");
    }

    @Test
    void ruleForARevisionWhoseBackendsAreEjectedFallsBackToWeights() {
        RouteTable t = table(Map.of("1", 100, "2", 0),
                List.of(new MatchRule(MatchRule.Kind.HEADER, "X-Canary", "always", "2")), false);
        eject("c1");

        assertThat(revisionOf(t, new DefaultHttpHeaders().add("X-Canary", "always"))).isEqualTo("1");
    }

    @Test
    void revisionWhoseBackendsAllLookUnhealthyKeepsItsShareInPanic() {
        RouteTable t = table(Map.of("1", 50, "2", 50), List.of(), false);
        states.get("s1").adminHealthy = false;
        states.get("s2").adminHealthy = false;
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            seen.merge(revisionOf(t, new DefaultHttpHeaders()), 1, Integer::sum);
        }
        // Slow probes on a busy machine do not hand revision 1's share to revision 2.
        assertThat(seen).containsEntry("1", 50).containsEntry("2", 50);
        assertThat(t.inPanic(t.indexOf("1"))).isTrue();
        assertThat(t.inPanic(t.indexOf("2"))).isFalse();
    }

    @Test
    void healthyBackendsTakeTheTrafficWhileTheyAreAtLeastTheThreshold() {
        RouteTable t = table(Map.of("1", 100), List.of(), false);
        states.get("s1").adminHealthy = false;
        for (int i = 0; i < 10; i++) {
            assertThat(backendOf(t)).isEqualTo("s2"); // one of two healthy: 50% is not below the threshold
        }
    }

    @Test
    void everythingEjectedStillTriesOneBackendRatherThanNone() {
        RouteTable t = table(Map.of("1", 50, "2", 50), List.of(), false);
        eject("s1");
        eject("s2");
        eject("c1");

        assertThat(revisionOf(t, new DefaultHttpHeaders())).isNotNull();
    }

    private void eject(String id) {
        BackendState b = states.get(id);
        assertThat(b.outlier.failed(Outlier.Failure.REFUSED, 0, 0, 1)).isTrue();
    }

    private String backendOf(RouteTable t) {
        RouteTable.Selection s = new RouteTable.Selection();
        t.select(new DefaultHttpHeaders(), s);
        return s.backend.backend.id();
    }

    @Test
    void stickyCookieIsHonouredWhileItsRevisionHasWeight() {
        RouteTable t = table(Map.of("1", 99, "2", 1), List.of(), true);
        HttpHeaders withCookie = new DefaultHttpHeaders().add("Cookie", "slipway-rev-shop_web=2");
        RouteTable.Selection s = new RouteTable.Selection();

        for (int i = 0; i < 20; i++) {
            t.select(withCookie, s);
            assertThat(s.backend.backend.revision()).isEqualTo("2");
            assertThat(s.setCookie).isNull();
        }
        t.select(new DefaultHttpHeaders(), s);
        assertThat(s.setCookie).isEqualTo("slipway-rev-shop_web=" + s.backend.backend.revision() + "; Path=/; HttpOnly");

        RouteTable zero = table(Map.of("1", 100, "2", 0), List.of(), true);
        zero.select(withCookie, s);
        assertThat(s.backend.backend.revision()).isEqualTo("1");
        assertThat(s.setCookie).isEqualTo("slipway-rev-shop_web=1; Path=/; HttpOnly");
    }

    @Test
    void weightedRevisionWithoutHealthyBackendGivesWayToTheOthers() {
        RouteTable t = table(Map.of("1", 50, "2", 50), List.of(), false);
        eject("c1");

        for (int i = 0; i < 10; i++) {
            assertThat(revisionOf(t, new DefaultHttpHeaders())).isEqualTo("1");
        }
    }

    @Test
    void emptyWeightsSpreadOverEveryHealthyBackend() {
        RouteTable t = table(Map.of(), List.of(), false);
        RouteTable.Selection s = new RouteTable.Selection();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            t.select(new DefaultHttpHeaders(), s);
            seen.merge(s.backend.backend.id(), 1, Integer::sum);
        }
        assertThat(seen).containsEntry("s1", 10).containsEntry("s2", 10).containsEntry("c1", 10);
        assertThat(s.revision).isEqualTo(RouteTable.ANY);
    }

    @Test
    void reselectSkipsTriedBackendsThenOtherRevisions() {
        RouteTable t = table(Map.of("1", 50, "2", 50), List.of(), false);
        RouteTable.Selection s = new RouteTable.Selection();
        s.revision = t.indexOf("1");
        s.backend = states.get("s1");

        t.reselect(s, new Object[] {states.get("s1"), null});
        assertThat(s.backend.backend.id()).isEqualTo("s2");
        t.reselect(s, new Object[] {states.get("s1"), states.get("s2"), null});
        assertThat(s.backend.backend.id()).isEqualTo("c1");
        t.reselect(s, new Object[] {states.get("s1"), states.get("s2"), states.get("c1")});
        assertThat(s.backend).isNull();
    }

    @Test
    void eachLaneSplitsItsOwnRequestsExactlyByTheWeights() {
        RouteTable t = table(Map.of("1", 75, "2", 25), List.of(), false);
        RouteTable.Selection lane0 = new RouteTable.Selection();
        RouteTable.Selection lane1 = new RouteTable.Selection();
        lane1.lane = 1;
        Map<String, Integer> seen0 = new HashMap<>();
        Map<String, Integer> seen1 = new HashMap<>();
        // Interleaved unevenly, as two loops would be: lane 0 takes 200 requests while lane 1 takes 100.
        for (int i = 0; i < 300; i++) {
            RouteTable.Selection s = i % 3 == 2 ? lane1 : lane0;
            t.select(new DefaultHttpHeaders(), s);
            (s == lane0 ? seen0 : seen1).merge(s.backend.backend.revision(), 1, Integer::sum);
        }
        assertThat(seen0).containsEntry("1", 150).containsEntry("2", 50);
        assertThat(seen1).containsEntry("1", 75).containsEntry("2", 25);
    }

    @Test
    void aLaneBalancesByItsOwnRequestsInFlight() {
        RouteTable t = table(Map.of("1", 100), List.of(), false);
        // Lane 1 has three requests on s1; lane 0 none anywhere: lane 0 still takes turns, lane 1 avoids s1.
        for (int i = 0; i < 3; i++) {
            states.get("s1").inFlight.add(1, 1);
        }
        RouteTable.Selection lane1 = new RouteTable.Selection();
        lane1.lane = 1;
        for (int i = 0; i < 4; i++) {
            t.select(new DefaultHttpHeaders(), lane1);
            assertThat(lane1.backend.backend.id()).isEqualTo("s2");
        }
        RouteTable.Selection lane0 = new RouteTable.Selection();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            t.select(new DefaultHttpHeaders(), lane0);
            seen.merge(lane0.backend.backend.id(), 1, Integer::sum);
        }
        assertThat(seen).containsEntry("s1", 2).containsEntry("s2", 2);
        assertThat(states.get("s1").inFlight()).isEqualTo(3);
    }
}
