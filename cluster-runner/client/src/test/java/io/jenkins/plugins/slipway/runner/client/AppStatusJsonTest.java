package io.jenkins.plugins.slipway.runner.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The app status as the client reads it from runners before and after the measured shares were added. */
class AppStatusJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Test
    void readsTheMeasuredSharesAndReplicaSets() throws Exception {
        AppStatus s = JSON.readValue("""
                {"name": "shop", "revision": 5, "currentRelease": "shop-5-9c1e",
                 "services": [{"name": "web", "replicas": {"desired": 2, "ready": 2}, "images": {"5": "web:v2"},
                   "route": {"port": 8000, "targetPort": 8080}, "weights": {"4": 50, "5": 50},
                   "actualWeights": {"4": 47, "5": 53},
                   "replicaSets": [{"revision": 5, "desired": 2, "weight": 50,
                                    "replicas": [{"name": "web-5-1", "health": "healthy"}]}]}]}
                """, AppStatus.class);
        AppStatus.ServiceStatus web = s.services().get(0);
        assertThat(web.actualWeights()).isEqualTo(Map.of("4", 47, "5", 53));
        assertThat(web.replicaSets()).containsExactly(new AppStatus.ReplicaSetStatus(5, 2, 50,
                List.of(new AppStatus.ReplicaStatus("web-5-1", "healthy"))));
    }

    @Test
    void anOlderRunnersAnswerHasNoSharesRatherThanNulls() throws Exception {
        AppStatus s = JSON.readValue("""
                {"name": "shop", "revision": 4, "currentRelease": null,
                 "services": [{"name": "web", "replicas": {"desired": 2, "ready": 2}, "images": {"4": "web:v1"},
                   "route": null, "weights": {}}]}
                """, AppStatus.class);
        assertThat(s.services().get(0).actualWeights()).isEmpty();
        assertThat(s.services().get(0).replicaSets()).isEmpty();
        assertThat(JSON.writeValueAsString(s.services().get(0))).contains("\"actualWeights\":{}");
    }
}
