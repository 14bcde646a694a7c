package io.jenkins.plugins.slipway.runner.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostResolversTest {

    @Test
    void loopbackServersAreLeftOutAsAContainerCannotReachThem(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("resolv.conf"), """
                # written by a DHCP client
                nameserver 127.0.0.53
                nameserver 10.0.0.2
                options edns0
                nameserver ::1
                  nameserver 192.168.1.1
                search example.org
                """);

        assertThat(HostResolvers.read(conf)).containsExactly("10.0.0.2", "192.168.1.1");
        assertThat(HostResolvers.read(dir.resolve("absent"))).isEmpty();
    }
}
