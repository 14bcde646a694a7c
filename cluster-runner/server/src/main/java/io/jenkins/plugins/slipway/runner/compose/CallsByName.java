package io.jenkins.plugins.slipway.runner.compose;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of an app's routed services its other services reach by name through the runner's router. Calls by name
 * land on one address per app network (its gateway), told apart by port only: two routed services on the same
 * {@code targetPort} could not be told apart there, so neither goes through the router by name and both keep
 * answering to their names directly, as Compose has them. The engine (which names replicas) and the router
 * (which listens) decide with this one rule.
 */
public final class CallsByName {
    private CallsByName() {
    }

    /** The names of the services, among {@code services}, whose calls by name go through the router. */
    public static Set<String> throughRouter(Collection<ServiceSpec> services) {
        Map<Integer, List<String>> byPort = new HashMap<>();
        for (ServiceSpec s : services) {
            if (s != null && s.route() != null) {
                List<String> names = byPort.computeIfAbsent(s.route().targetPort(), p -> new java.util.ArrayList<>());
                if (!names.contains(s.name())) {
                    names.add(s.name());
                }
            }
        }
        return byPort.values().stream().filter(names -> names.size() == 1).flatMap(List::stream)
                .collect(Collectors.toUnmodifiableSet());
    }
}
