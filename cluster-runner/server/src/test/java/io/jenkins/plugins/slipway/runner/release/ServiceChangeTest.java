package io.jenkins.plugins.slipway.runner.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The count a release starts a new revision at: deploy.replicas, or the autoscaled count it replaces. */
class ServiceChangeTest {
    private static ServiceSpec web(String autoscale) throws Exception {
        String yaml = """
                services:
                  web:
                    image: web:2
                    deploy: {replicas: 2}
                    x-slipway:
                      route: {port: 8000, targetPort: 8080}
                %s
                """.formatted(autoscale.isEmpty() ? "" : "      autoscale: " + autoscale);
        return new ComposeParser().parse(yaml, Map.of()).spec().services().get("web");
    }

    @Test
    void aFixedServiceStartsAtDeployReplicas() throws Exception {
        assertThat(new ServiceChange("web", 4, 5, 5, web("")).newReplicas()).isEqualTo(2);
    }

    @Test
    void anAutoscaledServiceGoesOnAtTheCountItReachedWithinItsBounds() throws Exception {
        ServiceSpec spec = web("{min: 1, max: 6, requestsPerSecond: 50}");
        assertThat(new ServiceChange("web", 4, 5, 5, spec).newReplicas()).isEqualTo(5);
        assertThat(new ServiceChange("web", 4, 9, 5, spec).newReplicas()).isEqualTo(6);
        assertThat(new ServiceChange("web", null, 0, 5, spec).newReplicas()).isEqualTo(2);
    }
}
