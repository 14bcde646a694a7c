package io.jenkins.plugins.slipway.docker;

import java.io.PrintStream;

/**
 * Turns the engine's stream fragments (which may hold several lines or half of one) into whole lines on
 * the build log, as soon as each line is complete.
 */
public final class LineLog {
    private final PrintStream out;
    private final String prefix;
    private final StringBuilder pending = new StringBuilder();

    public LineLog(PrintStream out, String prefix) {
        this.out = out;
        this.prefix = prefix;
    }

    public synchronized void append(String fragment) {
        if (fragment == null) {
            return;
        }
        pending.append(fragment);
        int nl;
        while ((nl = pending.indexOf("\n")) >= 0) {
            String line = pending.substring(0, nl);
            pending.delete(0, nl + 1);
            out.println(prefix + stripCarriageReturn(line));
        }
        out.flush();
    }

    public synchronized void flush() {
        if (pending.length() > 0) {
            out.println(prefix + stripCarriageReturn(pending.toString()));
            pending.setLength(0);
        }
        out.flush();
    }

    private static String stripCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
