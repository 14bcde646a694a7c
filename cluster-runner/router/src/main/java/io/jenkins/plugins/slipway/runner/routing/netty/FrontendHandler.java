package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.Hold;
import io.jenkins.plugins.slipway.runner.routing.RouterOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and the exchange in progress on it: choose a backend, borrow a pooled connection on
 * this event loop (or open one), stream the request over, stream the answer back, return the connection.
 * <p>
 * The state of the current exchange lives in fields reused from one request to the next, so a keep-alive
 * connection allocates nothing of its own per request. Everything here runs on the connection's event loop,
 * the backend side included, so nothing is locked.
 * <p>
 * Retries: a request whose backend cannot be reached (nothing was sent) goes to another backend, up to
 * {@link RouterOptions#maxRetries()} times. A request whose backend reset the connection before any of the
 * answer came back is sent again once, to another backend, only when it is idempotent (GET, HEAD, OPTIONS) and
 * its body is still held (bodies up to {@link RouterOptions#maxReplayBytes()} are kept until the answer starts):
 * the first backend may have acted on anything else. Every failed attempt is counted against its backend for
 * outlier ejection; a request to a route without any backend waits up to {@link RouterOptions#queueTimeout()}
 * for one to appear, or, on a route scaled to zero, is held as its {@link Hold} says while a replica starts.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);
    /** Reasons to stop reading from the client, combined as bits; reading resumes when none is left. */
    private static final int BACKEND_FULL = 1;
    private static final int QUEUE_FULL = 2;
    private static final int WAITING_FOR_BACKEND = 4;
    /** Pipelined requests buffered beyond the one in progress before the client is asked to wait. */
    private static final int MAX_PIPELINED = 64;

    private final RouteServer route;
    private final RouterOptions options;
    private final RouteTable.Selection selection = new RouteTable.Selection();
    private final Runnable onTimeout = this::onResponseTimeout;
    private Channel client;
    private String clientIp;
    private int readBlockers;
    /** Close the client connection once the current exchange is done (or right away when there is none). */
    private boolean closeRequested;
    /** Between channelRead and channelReadComplete: writes to the backend are flushed once, at the batch's end. */
    private boolean inReadBatch;
    private boolean outboundDirty;
    private boolean closed;

    // The exchange in progress; reset by finish().
    private boolean active;
    private HttpRequest request;
    private boolean requestComplete;
    private boolean clientKeepAlive;
    private boolean http10;
    private boolean bodyless;
    private long startNanos;
    private RouteTable table;
    private BackendState backend;
    private Channel outbound;
    private BackendHandler outboundHandler;
    /** Counts attempts over the connection's life, so that a late connect result of an abandoned attempt is recognised. */
    private int attempt;
    /** Backends tried for the current request. */
    private int attempts;
    /** GET, HEAD or OPTIONS: may be sent again after a backend reset the connection without answering. */
    private boolean idempotent;
    /** The request was already sent again after a reset; it is not sent a third time. */
    private boolean resent;
    /** When the request started waiting for a route without backends, else 0. */
    private long queuedSince;
    /** How long the request may wait in the queue, from queuedSince. */
    private long queueLimitNanos;
    /** The request counts among its route's held requests (a route scaled to zero). */
    private boolean holding;
    private final Runnable onQueueTick = this::onQueueTick;
    private Object[] tried;
    /** Body parts received while no backend connection was ready; owned here. */
    private final ArrayDeque<HttpContent> pending = new ArrayDeque<>(2);
    /** Copies of the body parts already sent, kept to send them again on a retry; owned here. */
    private final ArrayList<HttpContent> replay = new ArrayList<>(2);
    private boolean replayable;
    private long bodyBytes;
    private boolean responseStarted;
    private boolean skipInterimEnd;
    private boolean backendKeepAlive;
    private int status;
    /**
     * When the request went out and no answer has started yet, else 0. One timer per connection checks it and
     * re-arms itself lazily, instead of a timer scheduled and cancelled for every request.
     */
    private long waitingSince;
    private ScheduledFuture<?> timer;
    private ArrayDeque<Object> pipelined;
    private boolean draining;

    FrontendHandler(RouteServer route) {
        this.route = route;
        this.options = route.router().options();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        selection.lane = route.router().lanes().of(client.eventLoop());
        SocketAddress remote = client.remoteAddress();
        clientIp = remote instanceof InetSocketAddress isa ? isa.getAddress().getHostAddress() : "unknown";
        route.clients().add(client);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inReadBatch = true;
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if ((active && requestComplete) || (pipelined != null && !pipelined.isEmpty())) {
            // HTTP/1.1 pipelining: the next request waits until this answer is out, answers keep their order.
            if (pipelined == null) {
                pipelined = new ArrayDeque<>();
            }
            pipelined.add(msg);
            if (pipelined.size() > MAX_PIPELINED) {
                block(QUEUE_FULL);
            }
            return;
        }
        dispatch(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inReadBatch = false;
        if (outboundDirty) {
            outboundDirty = false;
            if (outbound != null) {
                outbound.flush();
            }
        }
        ctx.fireChannelReadComplete();
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest req) {
            start(req);
            if (msg instanceof HttpContent c) {
                onRequestBody(c);
            }
        } else if (msg instanceof HttpContent c) {
            if (active && !requestComplete) {
                onRequestBody(c);
            } else {
                c.release(); // the rest of a body whose answer was already given
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            closeRequested = true;
            sendPlain(HttpResponseStatus.BAD_REQUEST, "Bad request: " + req.decoderResult().cause().getMessage());
            return;
        }
        active = true;
        request = req;
        requestComplete = false;
        responseStarted = false;
        replayable = true;
        bodyBytes = 0;
        status = 0;
        skipInterimEnd = false;
        tried = null;
        attempts = 0;
        resent = false;
        stopQueueing();
        HttpMethod method = req.method();
        idempotent = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)
                || method.equals(HttpMethod.OPTIONS);
        startNanos = System.nanoTime();
        http10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
        clientKeepAlive = HttpUtil.isKeepAlive(req) && !closeRequested;
        bodyless = req.method().equals(HttpMethod.HEAD);
        HttpHeaders h = req.headers();
        HopByHop.strip(h);
        HopByHop.addForwarded(h, clientIp);
        req.setProtocolVersion(HttpVersion.HTTP_1_1);
        table = route.table();
        table.select(h, selection);
        if (selection.backend == null) {
            Hold hold = table.spec.hold();
            if (hold != null) {
                hold(hold);
                return;
            }
            if (options.queueTimeout().isZero()) {
                noBackend();
                return;
            }
            // The route has no backend at all (between two specs, a replica being replaced): wait a little.
            queue(options.queueTimeout().toNanos());
            return;
        }
        connect();
    }

    /** A route at zero: the request waits for the replica its arrival starts, unless the route holds enough. */
    private void hold(Hold hold) {
        if (!route.takeHeldSlot(hold.maxHeld())) {
            respondRetryLater(hold, "Slipway router: route " + route.name() + " is starting and already holds "
                    + hold.maxHeld() + " requests; ask again in " + hold.retryAfterSeconds() + " s\n");
            return;
        }
        holding = true;
        route.router().held(route);
        queue(hold.timeout().toNanos());
    }

    private void queue(long limitNanos) {
        queuedSince = startNanos;
        queueLimitNanos = limitNanos;
        block(WAITING_FOR_BACKEND);
        client.eventLoop().schedule(onQueueTick, QUEUE_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The request leaves the queue (a backend came, it timed out, the exchange ended). */
    private void stopQueueing() {
        queuedSince = 0;
        if (holding) {
            holding = false;
            route.releaseHeldSlot();
        }
    }

    private static final long QUEUE_TICK_MILLIS = 20;

    private void onQueueTick() {
        if (!active || closed || queuedSince == 0) {
            return;
        }
        table = route.table();
        table.select(request.headers(), selection);
        if (selection.backend != null) {
            stopQueueing();
            unblock(WAITING_FOR_BACKEND);
            connect();
        } else if (System.nanoTime() - queuedSince < queueLimitNanos) {
            client.eventLoop().schedule(onQueueTick, QUEUE_TICK_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            boolean held = holding;
            stopQueueing();
            Hold hold = table.spec.hold();
            if (held && hold != null) {
                respondRetryLater(hold, "Slipway router: route " + route.name() + " did not start a replica within "
                        + hold.timeout().toMillis() + " ms; ask again in " + hold.retryAfterSeconds() + " s\n");
            } else {
                noBackend();
            }
        }
    }

    private void connect() {
        backend = selection.backend;
        backend.inFlight.add(selection.lane, 1);
        attempts++;
        int thisAttempt = ++attempt;
        Channel ch = backend.pollIdle(client.eventLoop());
        if (ch != null) {
            attach(ch);
            return;
        }
        block(WAITING_FOR_BACKEND);
        ChannelFuture f = route.router().connect(client.eventLoop(), backend.address);
        f.addListener((ChannelFutureListener) done -> onConnected(done, thisAttempt));
    }

    private void onConnected(ChannelFuture f, int forAttempt) {
        if (forAttempt != attempt || !active) {
            if (f.isSuccess()) {
                f.channel().close();
            }
            return;
        }
        unblock(WAITING_FOR_BACKEND);
        if (f.isSuccess()) {
            attach(f.channel());
            return;
        }
        LOG.debug("route {}: cannot connect to backend {}: {}", route.name(), backend, f.cause().toString());
        route.router().failed(route, table, backend, f.cause() instanceof ConnectTimeoutException
                ? Outlier.Failure.CONNECT_TIMEOUT : Outlier.Failure.REFUSED);
        releaseBackend();
        retryOrFail(true);
    }

    private void attach(Channel ch) {
        outbound = ch;
        outboundHandler = (BackendHandler) ch.pipeline().last();
        outboundHandler.backend = backend;
        outboundHandler.exchange = this;
        ch.write(request, outboundHandler.unwatched);
        for (HttpContent c : replay) {
            ch.write(c.retainedDuplicate(), outboundHandler.unwatched);
        }
        HttpContent c;
        while ((c = pending.poll()) != null) {
            send(c);
        }
        if (requestComplete || !inReadBatch) {
            ch.flush();
        } else {
            outboundDirty = true; // the rest of the request is in this read batch: one flush at its end
        }
        if (outbound != ch) {
            return; // the connection died while the request went out, and a retry has taken over
        }
        waitingSince = System.nanoTime();
        if (timer == null) {
            timer = client.eventLoop().schedule(onTimeout, options.responseTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (!ch.isWritable()) {
            block(BACKEND_FULL);
        }
    }

    private void onRequestBody(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        bodyBytes += c.content().readableBytes();
        if (outbound == null) {
            if (backend == null && queuedSince == 0) {
                c.release(); // answered already (no backend): drop the rest of the body
                return;
            }
            pending.add(c);
            return;
        }
        send(c);
        if (inReadBatch && outbound.isWritable()) {
            outboundDirty = true;
        } else {
            outbound.flush();
        }
        if (!outbound.isWritable()) {
            block(BACKEND_FULL);
        }
    }

    /** Writes a body part to the backend, keeping a copy while the request may still have to be sent again. */
    private void send(HttpContent c) {
        if (replayable && bodyBytes > options.maxReplayBytes()) {
            dropReplay();
        }
        if (replayable && !responseStarted) {
            replay.add(c.retainedDuplicate());
        }
        outbound.write(c, outboundHandler.unwatched);
    }

    private void dropReplay() {
        replayable = false;
        for (HttpContent c : replay) {
            c.release();
        }
        replay.clear();
    }

    /** An answer part from the backend, on this loop. */
    void onResponse(HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            onBackendFailure(msg.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpResponse res) {
            int code = res.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                // An interim answer (100 Continue): pass it on, the real one follows.
                skipInterimEnd = true;
                HopByHop.strip(res.headers());
                client.write(res, client.voidPromise());
                return;
            }
            startResponse(res, code);
        }
        if (msg instanceof HttpContent c) {
            if (skipInterimEnd) {
                // The end of the interim answer goes out too (the encoder expects it) but ends nothing here.
                skipInterimEnd = !(c instanceof LastHttpContent);
                client.write(c, client.voidPromise());
                return;
            }
            // The void promise saves a promise object per write; a write the client cannot take fails into
            // exceptionCaught, which closes the connection, and channelInactive cleans up as for any close.
            client.write(c, client.voidPromise());
            if (c instanceof LastHttpContent) {
                complete();
            } else if (!client.isWritable()) {
                outbound.config().setAutoRead(false);
            }
        }
    }

    private void startResponse(HttpResponse res, int code) {
        responseStarted = true;
        status = code;
        cancelTimeout();
        dropReplay();
        HttpHeaders h = res.headers();
        backendKeepAlive = HttpUtil.isKeepAlive(res);
        HopByHop.strip(h);
        boolean mayHaveBody = !bodyless && code != 204 && code != 304;
        boolean chunked = HttpUtil.isTransferEncodingChunked(res);
        if (mayHaveBody && !chunked && !HttpUtil.isContentLengthSet(res)) {
            // The backend ends its body by closing; the client gets chunks instead, so its connection can stay.
            if (http10) {
                clientKeepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(res, true);
            }
        } else if (chunked && http10) {
            HttpUtil.setTransferEncodingChunked(res, false);
            clientKeepAlive = false;
        }
        if (selection.setCookie != null) {
            h.add(HttpHeaderNames.SET_COOKIE, selection.setCookie);
        }
        if (!clientKeepAlive || closeRequested) {
            clientKeepAlive = false;
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        client.write(res, client.voidPromise());
    }

    /** The last answer part is written: account for it, return the backend connection, go on with the next request. */
    private void complete() {
        table.metricsOf(selection).record(selection.lane, status, System.nanoTime() - startNanos);
        backend.outlier.succeeded();
        Channel ob = outbound;
        detachOutbound();
        if (backendKeepAlive && requestComplete && ob.isActive()) {
            if (!ob.config().isAutoRead()) {
                ob.config().setAutoRead(true);
            }
            backend.offerIdle(ob, options.maxIdlePerBackend());
        } else {
            ob.close();
        }
        if (!requestComplete) {
            clientKeepAlive = false; // the rest of the request body would be taken for the next request
        }
        releaseBackend();
        finish();
    }

    /** The backend connection failed (reset, closed, error) while this exchange used it. */
    void onBackendFailure(Throwable cause) {
        if (!active || outbound == null) {
            return;
        }
        Channel ob = outbound;
        detachOutbound();
        ob.close();
        route.router().failed(route, table, backend, Outlier.Failure.RESET);
        releaseBackend();
        if (cause != null) {
            LOG.debug("route {}: backend connection failed: {}", route.name(), cause.toString());
        }
        if (!responseStarted) {
            cancelTimeout();
            retryOrFail(false);
            return;
        }
        // Part of the answer is already with the client: closing is the only honest way to say it is cut.
        table.metricsOf(selection).record(selection.lane, 0, System.nanoTime() - startNanos);
        clientKeepAlive = false;
        finish();
    }

    /**
     * @param nothingSent the backend could not be reached, so nothing of the request went out: any request may go
     *                    to another backend; otherwise only an idempotent one, once, with its body still held
     */
    private void retryOrFail(boolean nothingSent) {
        boolean again = nothingSent ? attempts < 1 + options.maxRetries() : idempotent && replayable && !resent;
        if (again) {
            resent |= !nothingSent;
            if (tried == null) {
                tried = new Object[options.maxRetries() + 2];
            }
            tried[attempts - 1] = selection.backend;
            table.reselect(selection, tried);
            if (selection.backend != null) {
                connect();
                return;
            }
        }
        noBackend();
    }

    private void onResponseTimeout() {
        timer = null;
        if (!active || responseStarted || outbound == null || waitingSince == 0 || closed) {
            return; // the next request arms the timer again
        }
        long waited = System.nanoTime() - waitingSince;
        long limit = options.responseTimeout().toNanos();
        if (waited < limit) {
            timer = client.eventLoop().schedule(onTimeout, limit - waited, TimeUnit.NANOSECONDS);
            return;
        }
        Channel ob = outbound;
        detachOutbound();
        ob.close();
        route.router().failed(route, table, backend, Outlier.Failure.TIMEOUT);
        releaseBackend();
        table.metricsOf(selection).record(selection.lane, 0, System.nanoTime() - startNanos);
        respond(HttpResponseStatus.GATEWAY_TIMEOUT,
                "Slipway router: the backend of route " + route.name() + " did not answer in time\n");
    }

    private void noBackend() {
        table.metricsOf(selection).record(selection.lane, 0, System.nanoTime() - startNanos);
        respond(HttpResponseStatus.BAD_GATEWAY,
                "Slipway router: no backend of route " + route.name() + " could answer\n");
    }

    /** Ends the exchange with an answer of the router's own. */
    private void respond(HttpResponseStatus st, String text) {
        respond(st, text, 0);
    }

    /** 503 with Retry-After, counted as a failed request: the route is at zero and could not take this one now. */
    private void respondRetryLater(Hold hold, String text) {
        table.metricsOf(selection).record(selection.lane, 0, System.nanoTime() - startNanos);
        respond(HttpResponseStatus.SERVICE_UNAVAILABLE, text, hold.retryAfterSeconds());
    }

    private void respond(HttpResponseStatus st, String text, long retryAfterSeconds) {
        if (!requestComplete) {
            clientKeepAlive = false;
        }
        sendPlain(st, text, retryAfterSeconds);
        finish();
    }

    private void sendPlain(HttpResponseStatus st, String text) {
        sendPlain(st, text, 0);
    }

    private void sendPlain(HttpResponseStatus st, String text, long retryAfterSeconds) {
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (retryAfterSeconds > 0) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        if (!active || !clientKeepAlive || closeRequested) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            clientKeepAlive = false;
            closeRequested = true;
        }
        client.write(res);
        if (!active) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            closed = true;
        }
    }

    private void detachOutbound() {
        outboundHandler.exchange = null;
        outboundHandler = null;
        outbound = null;
        unblock(BACKEND_FULL);
    }

    private void releaseBackend() {
        BackendState b = backend;
        if (b != null) {
            backend = null;
            b.inFlight.add(selection.lane, -1);
            // The count is lowered before the flag is read; RouteServer.update sets the flag before it reads the
            // count. Both volatile, so when a backend is removed with requests in flight, one side sees it done.
            if (b.removed && b.inFlight() == 0) {
                route.retire(b);
            }
        }
    }

    private void cancelTimeout() {
        waitingSince = 0;
    }

    /** Clears the exchange and, unless the connection ends here, starts on the next pipelined request. */
    private void finish() {
        cancelTimeout();
        stopQueueing();
        active = false;
        request = null;
        table = null;
        selection.backend = null;
        releasePending();
        dropReplay();
        unblock(WAITING_FOR_BACKEND);
        if (!clientKeepAlive || closeRequested) {
            closed = true;
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        client.flush();
        drainPipelined();
    }

    private void drainPipelined() {
        if (draining || pipelined == null) {
            return;
        }
        draining = true;
        try {
            Object msg;
            while (!closed && !(active && requestComplete) && (msg = pipelined.poll()) != null) {
                dispatch(msg);
            }
            if (pipelined.size() <= MAX_PIPELINED) {
                unblock(QUEUE_FULL);
            }
        } finally {
            draining = false;
        }
    }

    private void releasePending() {
        HttpContent c;
        while ((c = pending.poll()) != null) {
            c.release();
        }
    }

    void flushToClient() {
        client.flush();
    }

    void backendWritabilityChanged(boolean writable) {
        if (writable) {
            unblock(BACKEND_FULL);
        } else {
            block(BACKEND_FULL);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client.isWritable() && outbound != null) {
            outbound.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void block(int reason) {
        readBlockers |= reason;
        client.config().setAutoRead(false);
    }

    private void unblock(int reason) {
        if ((readBlockers & reason) != 0) {
            readBlockers &= ~reason;
            if (readBlockers == 0) {
                client.config().setAutoRead(true);
            }
        }
    }

    /** The route is going away: finish the exchange in progress, then close. */
    void drain() {
        closeRequested = true;
        if (!active && !closed) {
            closed = true;
            client.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RouteServer.DRAIN) {
            drain();
        } else if (evt instanceof IdleStateEvent) {
            if (!active) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (active) {
            attempt++; // a connect still under way belongs to nobody now
            cancelTimeout();
            if (outbound != null) {
                Channel ob = outbound;
                detachOutbound();
                ob.close();
            }
            releaseBackend();
            stopQueueing();
            active = false;
        }
        releasePending();
        dropReplay();
        if (pipelined != null) {
            pipelined.forEach(ReferenceCountUtil::release);
            pipelined.clear();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("route {}: client connection failed: {}", route.name(), cause.toString());
        ctx.close();
    }
}
