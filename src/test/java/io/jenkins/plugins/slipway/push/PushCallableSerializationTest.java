package io.jenkins.plugins.slipway.push;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.util.Secret;
import io.jenkins.plugins.slipway.docker.DockerEndpoint;
import io.jenkins.plugins.slipway.testing.CapturingListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The push travels to the agent by Java serialization (remoting) with its login. */
class PushCallableSerializationTest {
    @Test
    void pushCallableSerializesWithItsLogin() throws Exception {
        RegistryLogin login = new RegistryLogin("registry.example", "bot", "ci", Secret.fromString("pw"));
        PushCallable callable = new PushCallable("registry.example/app", List.of("1"), login,
                new DockerEndpoint("tcp://docker.example:2376", new byte[] {1, 2}, Secret.fromString("ks")),
                new CapturingListener(), 10);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(callable);
        }
        Object copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = in.readObject();
        }
        assertThat(copy).isInstanceOf(PushCallable.class);
    }
}
