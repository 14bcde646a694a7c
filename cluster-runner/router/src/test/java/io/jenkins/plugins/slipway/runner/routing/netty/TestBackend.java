package io.jenkins.plugins.slipway.runner.routing.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process HTTP backend on loopback for the router tests. Every answer names the backend in the body and in
 * {@code X-Backend}. Paths: {@code /} answers at once; {@code /slow} answers when {@link #gate} completes;
 * {@code /stream} sends a first chunk, then the last one when {@link #gate} completes; {@code /status/N} answers
 * N; {@code /echo} returns the request body; {@code /headers} returns the request headers.
 */
final class TestBackend implements AutoCloseable {
    /** Daemon threads: a bench main that used backends must be able to end. */
    private static final EventLoopGroup GROUP = new NioEventLoopGroup(2, new DefaultThreadFactory("test-backend", true));

    final String id;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    volatile CompletableFuture<Void> gate = new CompletableFuture<>();
    /** When set, requests close their connection without an answer while the budget (shared between backends) lasts. */
    volatile AtomicInteger resetBudget;
    /** When true, every request (whatever its path) is answered only once {@link #gate} completes: a slow backend. */
    volatile boolean slow;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    TestBackend(String id) {
        this(id, 0);
    }

    TestBackend(String id, int port) {
        this.id = id;
        server = new ServerBootstrap().group(GROUP).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        channels.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", port).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops like a killed process: no more connections, open ones cut. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        channels.close().syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.incrementAndGet();
            AtomicInteger resets = resetBudget;
            if (resets != null && resets.getAndDecrement() > 0) {
                ctx.close();
                return;
            }
            String path = req.uri();
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (path.startsWith("/slow") || slow) {
                gate.thenRun(() -> ctx.executor().execute(() -> send(ctx, 200, id, keepAlive)));
            } else if (path.startsWith("/stream")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setTransferEncodingChunked(head, true);
                head.headers().set("X-Backend", id);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(text("first\n")));
                gate.thenRun(() -> ctx.executor().execute(() -> {
                    ctx.write(new DefaultHttpContent(text("last\n")));
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                }));
            } else if (path.startsWith("/status/")) {
                send(ctx, Integer.parseInt(path.substring("/status/".length())), id, keepAlive);
            } else if (path.startsWith("/echo")) {
                send(ctx, 200, req.content().toString(StandardCharsets.UTF_8), keepAlive);
            } else if (path.startsWith("/headers")) {
                StringBuilder sb = new StringBuilder();
                req.headers().forEach(e -> sb.append(e.getKey().toLowerCase()).append(": ").append(e.getValue()).append('\n'));
                send(ctx, 200, sb.toString(), keepAlive);
            } else {
                send(ctx, 200, id, keepAlive);
            }
        }

        private void send(ChannelHandlerContext ctx, int status, String body, boolean keepAlive) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                    text(body));
            res.headers().set("X-Backend", id);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
            if (keepAlive) {
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
