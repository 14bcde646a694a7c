package io.jenkins.plugins.slipway.push;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import java.util.Locale;

/** Which push failures are worth another attempt: network and server trouble yes, refusals no. */
final class PushFailures {
    private static final String[] PERMANENT = {
        "unauthorized", "authentication required", "denied", "forbidden", "no basic auth credentials",
        "does not exist", "no such image", "invalid reference", "manifest invalid", "name invalid", "incorrect username or password",
    };

    private PushFailures() {
    }

    static boolean isLoginRejection(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.contains("unauthorized") || m.contains("authentication required") || m.contains("no basic auth credentials")
                || m.contains("incorrect username or password") || m.contains("401");
    }

    static boolean isTransient(Throwable failure, String message) {
        if (failure instanceof UnauthorizedException || failure instanceof NotFoundException || failure instanceof BadRequestException) {
            return false;
        }
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        for (String p : PERMANENT) {
            if (m.contains(p)) {
                return false;
            }
        }
        return true;
    }
}
