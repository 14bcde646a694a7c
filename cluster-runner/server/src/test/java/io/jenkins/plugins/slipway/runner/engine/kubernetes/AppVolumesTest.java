package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which services a ReadWriteOnce claim pins to one replica. */
class AppVolumesTest {
    @Test
    void aServiceWritingToAClaimTheEngineMakesRunsOneReplica() throws Exception {
        AppSpec spec = new ComposeParser().parse("""
                services:
                  db:
                    image: db:1
                    volumes: ["data:/var/lib/db"]
                  reader:
                    image: r:1
                    volumes: ["data:/data:ro"]
                    deploy: {replicas: 3}
                  shared:
                    image: s:1
                    volumes: ["files:/files"]
                    deploy: {replicas: 3}
                  scratch:
                    image: s:1
                    volumes: ["/tmp/scratch"]
                    deploy: {replicas: 3}
                volumes:
                  data: {}
                  files: {external: true, name: shared-rwx-claim}
                """, Map.of()).spec();

        assertThat(AppVolumes.oneReplicaOnly(spec)).containsOnlyKeys("db");
        assertThat(AppVolumes.oneReplicaOnly(spec).get("db")).startsWith("it writes to named volume data, a"
                + " ReadWriteOnce PersistentVolumeClaim");
    }
}
