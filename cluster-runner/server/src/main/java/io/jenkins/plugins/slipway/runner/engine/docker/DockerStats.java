package io.jenkins.plugins.slipway.runner.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.UsageSample;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A container's counters from the Engine API, {@code GET /containers/{id}/stats?stream=false&one-shot=true}
 * (API 1.41, Docker 20.10). One-shot answers at once with the current counters; without it the daemon waits about
 * a second to fill {@code precpu_stats}, which would cost the autoscaler a second per replica. The CPU figure comes
 * from two of these readings a pass apart ({@link UsageSample#cpuPercentOfLimit}). docker-java's {@code statsCmd}
 * has no one-shot option, hence the raw request through its transport.
 */
final class DockerStats implements ReplicaStats {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerHttpClient http;

    /** @param http a client whose response timeout bounds each reading (short: a stuck daemon must not stall a pass) */
    DockerStats(DockerHttpClient http) {
        this.http = http;
    }

    @Override
    public UsageSample read(Replica replica) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/containers/" + URLEncoder.encode(replica.id(), StandardCharsets.UTF_8)
                        + "/stats?stream=false&one-shot=true")
                .build();
        try (DockerHttpClient.Response rsp = http.execute(request); InputStream body = rsp.getBody()) {
            byte[] bytes = body.readAllBytes();
            if (rsp.getStatusCode() != 200) {
                throw new EngineException("reading the stats of " + replica.name() + " failed: HTTP "
                        + rsp.getStatusCode() + " " + new String(bytes, StandardCharsets.UTF_8).trim(), null);
            }
            return parse(JSON.readTree(bytes));
        } catch (EngineException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // The transport's timeouts and broken connections come as runtime exceptions.
            throw new EngineException("reading the stats of " + replica.name() + " failed: " + e, e);
        }
    }

    /**
     * The counters of one stats answer. Memory is counted as {@code docker stats} counts it: the usage less the
     * inactive page cache ({@code total_inactive_file} on cgroup v1, {@code inactive_file} on v2), which the
     * kernel drops before it would kill the container.
     */
    static UsageSample parse(JsonNode stats) {
        JsonNode cpu = stats.path("cpu_stats");
        int online = cpu.path("online_cpus").asInt(0);
        if (online <= 0) {
            online = cpu.path("cpu_usage").path("percpu_usage").size();
        }
        JsonNode memory = stats.path("memory_stats");
        long usage = memory.path("usage").asLong(0);
        JsonNode detail = memory.path("stats");
        JsonNode inactive = detail.has("total_inactive_file") ? detail.get("total_inactive_file")
                : detail.path("inactive_file");
        long cache = inactive.asLong(0);
        return new UsageSample(cpu.path("cpu_usage").path("total_usage").asLong(0),
                cpu.path("system_cpu_usage").asLong(0), online, cache < usage ? usage - cache : usage);
    }
}
