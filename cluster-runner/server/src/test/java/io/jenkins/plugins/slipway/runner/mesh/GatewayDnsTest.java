package io.jenkins.plugins.slipway.runner.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The responder over real UDP, asked by dnsjava's resolver as Docker's embedded DNS would ask it. */
class GatewayDnsTest {
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private GatewayDns dns;

    @AfterEach
    void tearDown() {
        if (dns != null) {
            dns.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private Message ask(String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(dns.port());
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN)));
    }

    @Test
    void routedNameIsTheGatewayAndEverythingElseIsRefusedSoTheNextServerIsAsked() throws Exception {
        dns = GatewayDns.start(group, "127.0.0.1", "127.0.0.0/8", 0);
        dns.names(Set.of("api", "API-alias"));

        Message a = ask("api", Type.A);
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
        assertThat(ask("api-alias", Type.A).getSection(Section.ANSWER)).hasSize(1);

        Message aaaa = ask("api", Type.AAAA);
        assertThat(aaaa.getRcode()).as("the name exists, without an IPv6 address").isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();

        assertThat(ask("db", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(ask("example.com", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);

        dns.names(Set.of());
        assertThat(ask("api", Type.A).getRcode()).as("a name no longer routed").isEqualTo(Rcode.REFUSED);
    }

    @Test
    void queryFromOutsideTheNetworksSubnetIsRefused() throws Exception {
        dns = GatewayDns.start(group, "127.0.0.1", "10.0.0.0/8", 0);
        dns.names(Set.of("api"));

        assertThat(ask("api", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    }
}
