package io.jenkins.plugins.slipway.runner.routing.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of a backend connection. While an exchange owns the connection it hands every answer part to
 * that exchange's {@link FrontendHandler}; while the connection idles in the pool it only watches for the
 * backend closing it.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    /** The backend this connection goes to; set when the connection is first used. */
    BackendState backend;
    /** The exchange currently using this connection, or null while it is pooled. */
    FrontendHandler exchange;
    /**
     * The promise of every write to this backend: nobody waits on a write's outcome (a connection that fails a
     * write closes, and {@link #channelInactive} tells the exchange), so no promise object is made per write,
     * and a failure is not fired as an exception in the middle of sending a request, where a retry could start
     * while the first attempt's writes are still going out.
     */
    ChannelPromise unwatched;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        unwatched = new VoidChannelPromise(ctx.channel(), false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        FrontendHandler f = exchange;
        if (f != null) {
            f.onResponse((HttpObject) msg);
        } else {
            // An idle connection has nothing to say: whatever comes is a protocol error, drop the connection.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        FrontendHandler f = exchange;
        if (f != null) {
            f.flushToClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        FrontendHandler f = exchange;
        if (f != null) {
            f.backendWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        FrontendHandler f = exchange;
        if (f != null) {
            f.onBackendFailure(null);
        } else if (backend != null) {
            backend.forgetIdle(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        FrontendHandler f = exchange;
        if (f != null) {
            f.onBackendFailure(cause);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && exchange == null) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }
}
