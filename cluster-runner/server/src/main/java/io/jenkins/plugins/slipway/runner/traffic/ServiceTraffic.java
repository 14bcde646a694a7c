package io.jenkins.plugins.slipway.runner.traffic;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.List;

/**
 * What a {@link TrafficRouter} routes of one service in one pass.
 *
 * @param service the Compose service
 * @param spec    the spec of its newest revision that has a route (its route, its {@code x-slipway.kubernetes})
 * @param sets    its replica sets: each revision with its replicas and its weight in percent
 * @param matches the rules of the release in progress that send matching requests to one revision whatever the
 *                weights, only those whose revision has replicas; empty when none
 */
public record ServiceTraffic(String service, ServiceSpec spec, List<ReplicaSet> sets, List<MatchRule> matches) {
    public ServiceTraffic {
        sets = List.copyOf(sets);
        matches = List.copyOf(matches);
    }
}
