package io.jenkins.plugins.slipway.runner.engine.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a task of {@code GET /tasks} is read. */
class SwarmClientTest {
    @Test
    void aHostModePortBoundWithTwoNumbersIsReachedOnItsIpv4One() throws Exception {
        // As a manager answered on this machine: IPv4 0.0.0.0:32803 first, then IPv6 [::]:32802, which is the
        // IPv4 port of another task on the node.
        Task t = SwarmClient.task(new ObjectMapper().readTree("""
                {"ID": "t3", "ServiceID": "s1", "Slot": 3, "NodeID": "n1", "DesiredState": "running",
                 "CreatedAt": "2026-12-02T13:48:55.1Z",
                 "Status": {"State": "running", "PortStatus": {"Ports": [
                   {"Protocol": "tcp", "TargetPort": 8080, "PublishedPort": 32803, "PublishMode": "host"},
                   {"Protocol": "tcp", "TargetPort": 8080, "PublishedPort": 32802, "PublishMode": "host"}]}}}
                """));

        assertThat(t.ports()).isEqualTo(Map.of(8080, 32803));
        assertThat(t.slot()).isEqualTo(3);
        assertThat(t.desiredRunning()).isTrue();
    }
}
