package io.jenkins.plugins.slipway.runner.compose;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order {@code depends_on} gives an app's services: a service comes after every service it depends on, and
 * otherwise in file order. A release starts (and updates) services in this order; its rollback moves every service
 * back in one pass (release/TrafficFirstRollback), so it needs no order.
 */
public final class StartOrder {
    private StartOrder() {
    }

    /**
     * The services of {@code names} in start order. Dependencies outside {@code names} (services the release does
     * not touch, or optional ones the file does not have) do not hold anything back.
     */
    public static List<String> of(Map<String, ServiceSpec> services, Collection<String> names) {
        List<String> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String name : names) {
            visit(name, services, Set.copyOf(names), done, order, new ArrayList<>());
        }
        return order;
    }

    private static void visit(String name, Map<String, ServiceSpec> services, Set<String> wanted, Set<String> done,
                              List<String> order, List<String> path) {
        if (done.contains(name) || path.contains(name)) {
            return;
        }
        path.add(name);
        ServiceSpec s = services.get(name);
        if (s != null) {
            for (String dependency : s.wiring().dependsOn().keySet()) {
                if (wanted.contains(dependency)) {
                    visit(dependency, services, wanted, done, order, path);
                }
            }
        }
        path.remove(path.size() - 1);
        done.add(name);
        order.add(name);
    }

    /** A dependency cycle as {@code [a, b, a]}, or empty when there is none. */
    public static List<String> cycle(Map<String, ServiceSpec> services) {
        Map<String, Integer> state = new LinkedHashMap<>();
        for (String name : services.keySet()) {
            List<String> found = cycleFrom(name, services, state, new ArrayList<>());
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    /** Depth-first; state 1 = on the current path, 2 = finished. */
    private static List<String> cycleFrom(String name, Map<String, ServiceSpec> services, Map<String, Integer> state,
                                          List<String> path) {
        Integer st = state.get(name);
        if (st != null && st == 2) {
            return List.of();
        }
        if (st != null && st == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            return cycle;
        }
        ServiceSpec s = services.get(name);
        if (s == null) {
            return List.of();
        }
        state.put(name, 1);
        path.add(name);
        for (String dependency : s.wiring().dependsOn().keySet()) {
            List<String> found = cycleFrom(dependency, services, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        state.put(name, 2);
        return List.of();
    }
}
