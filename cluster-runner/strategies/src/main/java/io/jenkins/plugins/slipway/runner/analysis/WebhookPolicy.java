package io.jenkins.plugins.slipway.runner.analysis;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which addresses a webhook analysis may call. A Compose file names the webhook URL, so without a policy anyone
 * who may deploy could make the runner POST to what only the runner can reach: its own API on loopback, the
 * cloud metadata service (169.254.169.254), the private network behind it. By default a webhook may only reach
 * public addresses; the operator allows more with {@code serve --webhook-allow CIDR|HOST} (repeatable).
 *
 * <p>The check is made on the resolved addresses, every one of them, just before the request: a name that
 * resolves to a refused address is refused whatever it is called. The JDK caches a lookup it made for
 * {@code networkaddress.cache.ttl} (30 s unless the operator changed it), so the connection that follows within
 * the request's timeout goes to an address that was checked; a name that answers with another address a moment
 * later (DNS rebinding) does not get through. Redirects are never followed (the provider refuses a client that
 * would), so a public URL cannot bounce the request inward either.
 */
public final class WebhookPolicy {
    private final List<Range> ranges;
    private final Set<String> hosts;

    private WebhookPolicy(List<Range> ranges, Set<String> hosts) {
        this.ranges = List.copyOf(ranges);
        this.hosts = Set.copyOf(hosts);
    }

    /** Public addresses only. */
    public static WebhookPolicy publicOnly() {
        return new WebhookPolicy(List.of(), Set.of());
    }

    /**
     * Public addresses and {@code allowed}: each an address ({@code 10.0.0.7}), a range in CIDR notation
     * ({@code 10.0.0.0/8}, {@code fd00::/8}) or a host name ({@code hooks.internal}, allowed whatever it resolves to).
     *
     * @throws IllegalArgumentException naming the entry that is none of these
     */
    public static WebhookPolicy allowing(List<String> allowed) {
        List<Range> ranges = new ArrayList<>();
        Set<String> hosts = new TreeSet<>();
        for (String entry : allowed) {
            String e = entry.trim();
            if (e.matches("[0-9.]+(/\\d+)?") || e.contains(":")) {
                ranges.add(Range.parse(e));
            } else if (e.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                hosts.add(e.toLowerCase(Locale.ROOT));
            } else {
                throw new IllegalArgumentException("--webhook-allow " + entry + ": not an address, a CIDR range or a host name");
            }
        }
        return new WebhookPolicy(ranges, hosts);
    }

    /** The webhook may not be called; the message says why, for the release's events. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** Returns when {@code url} may be called now; throws {@link Refused} when not. */
    public void check(URI url) throws Refused {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("only http and https webhooks are called");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("the URL has no host");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (hosts.contains(bare.toLowerCase(Locale.ROOT))) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new Refused("host " + bare + " does not resolve");
        }
        for (InetAddress a : addresses) {
            if (internal(a) && ranges.stream().noneMatch(r -> r.contains(a))) {
                throw new Refused(bare + " resolves to " + a.getHostAddress() + ", a " + kind(a)
                        + " address the runner's operator did not allow (serve --webhook-allow)");
            }
        }
    }

    /** Loopback, link-local (cloud metadata), private, carrier-grade NAT, unique-local, unspecified, multicast. */
    static boolean internal(InetAddress a) {
        if (a instanceof Inet6Address v6 && v6.getAddress()[0] == 0 && mappedV4(v6) != null) {
            return internal(mappedV4(v6));
        }
        byte[] b = a.getAddress();
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first == 100 && second >= 64 && second < 128 || first >= 240
                    || first == 192 && second == 0 && (b[2] & 0xff) == 0 || first == 198 && (second == 18 || second == 19);
        }
        return (b[0] & 0xfe) == 0xfc;
    }

    private static InetAddress mappedV4(Inet6Address v6) {
        byte[] b = v6.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        if ((b[10] & 0xff) != 0xff || (b[11] & 0xff) != 0xff) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String kind(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local (cloud metadata)";
        }
        return a.isAnyLocalAddress() ? "unspecified" : a.isMulticastAddress() ? "multicast" : "private or reserved";
    }

    /** An address range in CIDR notation. */
    private record Range(byte[] network, int bits) {
        static Range parse(String text) {
            String[] parts = text.split("/", 2);
            try {
                if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                    throw new UnknownHostException(parts[0]);
                }
                byte[] address = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
                if (bits < 0 || bits > address.length * 8) {
                    throw new NumberFormatException();
                }
                return new Range(address, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("--webhook-allow " + text + ": not an address or a CIDR range");
            }
        }

        boolean contains(InetAddress a) {
            byte[] b = a instanceof Inet6Address v6 && network.length == 4 && mappedV4(v6) != null
                    ? mappedV4(v6).getAddress() : a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
