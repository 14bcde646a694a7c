package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.testing.CapturingListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The build travels to the agent by Java serialization (remoting): everything in it must survive that. */
class BuildCallableSerializationTest {
    @Test
    void buildCallableSerializes() throws Exception {
        BuildSpec spec = new BuildSpec("registry.example/app", List.of("1"), ".", null, Map.of("A", "b"), null,
                OciLabels.merge(new EnvVars("GIT_COMMIT", "abc"), GitCheckout.NONE, Map.of(), Instant.now()).labels(),
                false, false, List.of("registry.example/app:cache"), "[web] ");
        BuildCallable callable = new BuildCallable(spec, new DockerEndpoint("unix:///var/run/docker.sock", null, null),
                new CapturingListener());
        Object copy = roundTrip(callable);
        assertThat(copy).isInstanceOf(BuildCallable.class);
    }

    static Object roundTrip(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
