package io.jenkins.plugins.slipway.runner.mesh;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DNS responder on one app network's gateway (the host's side of its bridge). It answers the names of the
 * app's routed services on that network with the gateway address itself, where the router listens for them,
 * and refuses everything else: a name it does not own, and any query whose source is outside the network's
 * subnet. The app's containers list the gateway first among their DNS servers; Docker's embedded DNS asks it
 * only for names it does not know itself, from the container's own address, and goes on to the next server
 * when refused (verified on Docker 20.10), so every other name resolves as before.
 */
final class GatewayDns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayDns.class);
    /** Short: whether a name is routed changes with the app's next deploy. */
    private static final long TTL_SECONDS = 5;

    private final String gateway;
    private final byte[] address;
    private final IpSubnetFilterRule callers;
    private final Channel channel;
    /** The names answered, lower case and fully qualified ({@code api.}). */
    private volatile Set<String> names = Set.of();

    private GatewayDns(String gateway, byte[] address, IpSubnetFilterRule callers, Channel channel) {
        this.gateway = gateway;
        this.address = address;
        this.callers = callers;
        this.channel = channel;
    }

    /**
     * Starts answering on {@code gateway:port} for queries from {@code subnet}.
     *
     * @throws IOException when the address cannot be bound (not an address of this host, port 53 needs root or
     *                     {@code CAP_NET_BIND_SERVICE}, another DNS server holds it)
     */
    static GatewayDns start(EventLoopGroup group, String gateway, String subnet, int port) throws IOException {
        byte[] address = ipv4(gateway);
        IpSubnetFilterRule callers = new IpSubnetFilterRule(subnet, IpFilterRuleType.ACCEPT);
        GatewayDns[] self = new GatewayDns[1];
        ChannelFuture f = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                                        ctx.writeAndFlush(self[0].answer(q));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        LOG.debug("DNS on {}: malformed query dropped: {}", gateway, cause.toString());
                                    }
                                });
                    }
                }).bind(gateway, port).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot answer DNS on " + gateway + ":" + port + ": " + f.cause().getMessage(),
                    f.cause());
        }
        self[0] = new GatewayDns(gateway, address, callers, f.channel());
        return self[0];
    }

    private static byte[] ipv4(String gateway) throws IOException {
        try {
            InetAddress a = InetAddress.getByName(gateway);
            if (!(a instanceof Inet4Address)) {
                throw new IOException("gateway " + gateway + " is not an IPv4 address");
            }
            return a.getAddress();
        } catch (UnknownHostException e) {
            throw new IOException("gateway " + gateway + " is not an address", e);
        }
    }

    /** Replaces the names answered; plain service names ({@code api}). */
    void names(Set<String> plain) {
        names = plain.stream().map(n -> n.toLowerCase(Locale.ROOT) + ".").collect(java.util.stream.Collectors.toSet());
    }

    String gateway() {
        return gateway;
    }

    /** The port it answers on (the one asked for, or the one the system chose for 0). */
    int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * The answer to one query: the gateway for an A query of a routed name, no record (but no error: the name
     * exists) for other types of it, REFUSED for anything else so that the caller's resolver asks its next server.
     */
    DatagramDnsResponse answer(DatagramDnsQuery query) {
        DatagramDnsResponse res = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
        res.setRecursionDesired(query.isRecursionDesired());
        res.setAuthoritativeAnswer(true);
        DnsQuestion q = query.count(DnsSection.QUESTION) == 1 ? query.recordAt(DnsSection.QUESTION) : null;
        if (q != null) {
            res.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(q.name(), q.type(), q.dnsClass()));
        }
        String name = q == null ? null : q.name().toLowerCase(Locale.ROOT);
        if (name != null && !name.endsWith(".")) {
            name = name + ".";
        }
        if (q == null || !callers.matches(query.sender()) || !names.contains(name)) {
            res.setCode(DnsResponseCode.REFUSED);
            return res;
        }
        if (q.type() == DnsRecordType.A) {
            res.addRecord(DnsSection.ANSWER,
                    new DefaultDnsRawRecord(q.name(), DnsRecordType.A, TTL_SECONDS, Unpooled.wrappedBuffer(address)));
        }
        return res;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }
}
