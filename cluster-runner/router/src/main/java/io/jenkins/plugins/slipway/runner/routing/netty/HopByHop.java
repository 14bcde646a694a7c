package io.jenkins.plugins.slipway.runner.routing.netty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Header rewriting at the proxy boundary (RFC 9110 section 7.6.1): headers that describe one connection are not
 * forwarded. {@code Transfer-Encoding} is the exception that stays: Netty's encoders read it to re-frame the
 * body as chunked on the other connection.
 */
final class HopByHop {
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    /** {@code Connection} tokens that need no removal by name (see {@link #namedHeaders}). */
    private static final AsciiString[] NOT_REMOVED_BY_NAME = {
        HttpHeaderValues.CLOSE, HttpHeaderValues.KEEP_ALIVE, HttpHeaderNames.TRANSFER_ENCODING};

    private HopByHop() {
    }

    /** Removes the connection-scoped headers, including those the {@code Connection} header names. */
    static void strip(HttpHeaders h) {
        if (h.contains(HttpHeaderNames.CONNECTION)) {
            List<String> named = null;
            for (Iterator<String> values = h.valueStringIterator(HttpHeaderNames.CONNECTION); values.hasNext(); ) {
                named = namedHeaders(values.next(), named);
            }
            h.remove(HttpHeaderNames.CONNECTION);
            if (named != null) {
                for (String name : named) {
                    h.remove(name);
                }
            }
        }
        h.remove(KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.UPGRADE);
    }

    /**
     * Adds to {@code into} the header names a {@code Connection} value lists, leaving out {@code close} and
     * {@code keep-alive} (removed anyway; nearly every message says one of them, so the common case allocates
     * nothing) and {@code Transfer-Encoding} (see the class comment).
     */
    private static List<String> namedHeaders(String value, List<String> into) {
        int start = 0;
        int n = value.length();
        while (start < n) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int from = start;
            int to = end;
            while (from < to && value.charAt(from) <= ' ') {
                from++;
            }
            while (to > from && value.charAt(to - 1) <= ' ') {
                to--;
            }
            if (to > from && !isOneOf(value, from, to, NOT_REMOVED_BY_NAME)) {
                if (into == null) {
                    into = new ArrayList<>(2);
                }
                into.add(value.substring(from, to));
            }
            start = end + 1;
        }
        return into;
    }

    private static boolean isOneOf(String value, int from, int to, AsciiString[] names) {
        for (AsciiString name : names) {
            if (name.length() == to - from && value.regionMatches(true, from, name.toString(), 0, to - from)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the {@code X-Forwarded-*} headers of a request arriving from {@code clientIp}; the Host header stays as it came. */
    static void addForwarded(HttpHeaders h, String clientIp) {
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null ? clientIp : xff + ", " + clientIp);
        if (!h.contains(X_FORWARDED_PROTO)) {
            h.set(X_FORWARDED_PROTO, "http");
        }
        if (!h.contains(X_FORWARDED_HOST)) {
            String host = h.get(HttpHeaderNames.HOST);
            if (host != null) {
                h.set(X_FORWARDED_HOST, host);
            }
        }
    }

    /** True when the message says the connection closes after it. */
    static boolean saysClose(HttpHeaders h) {
        return h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }
}
