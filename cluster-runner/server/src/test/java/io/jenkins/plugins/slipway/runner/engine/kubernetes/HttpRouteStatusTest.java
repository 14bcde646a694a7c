package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import org.junit.jupiter.api.Test;

class HttpRouteStatusTest {

    private static HTTPRoute route(long generation, String type, String status, long observed) {
        return new HTTPRouteBuilder().withNewMetadata().withName("slipway-shop-web").withNamespace("apps")
                .withGeneration(generation).endMetadata()
                .withNewStatus().addNewParent().withControllerName("example.com/gw")
                .withNewParentRef().withName("gw").endParentRef()
                .addToConditions(new ConditionBuilder().withType(type).withStatus(status).withReason("BackendNotFound")
                        .withMessage("service slipway-shop-web-2 not found").withObservedGeneration(observed).build())
                .endParent().endStatus().build();
    }

    @Test
    void aRefusalOfTheCurrentGenerationIsAProblemNamingTheGatewayAndWhy() {
        assertThat(HttpRouteStatus.problem(route(3, "ResolvedRefs", "False", 3))).isEqualTo(
                "HTTPRoute slipway-shop-web: Gateway apps/gw cannot resolve its backends (BackendNotFound: service"
                        + " slipway-shop-web-2 not found)");
    }

    @Test
    void acceptedNoStatusOrAVerdictOnAnEarlierGenerationIsNone() {
        assertThat(HttpRouteStatus.problem(route(3, "Accepted", "True", 3))).isNull();
        assertThat(HttpRouteStatus.problem(route(4, "Accepted", "False", 3))).isNull();
        assertThat(HttpRouteStatus.problem(new HTTPRouteBuilder().withNewMetadata().withName("r").endMetadata().build()))
                .isNull();
    }
}
