package io.jenkins.plugins.slipway.testing;

import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A TaskListener whose output tests can read while the step is still running. */
public final class CapturingListener implements TaskListener {
    private static final long serialVersionUID = 1L;
    private final transient ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final transient PrintStream out = new PrintStream(new Tee(bytes), true, StandardCharsets.UTF_8);

    @Override
    public PrintStream getLogger() {
        return out;
    }

    /** Everything logged so far. */
    public String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Copies to stdout too, so a failing test's surefire report shows the build log. */
    private static final class Tee extends java.io.OutputStream {
        private final ByteArrayOutputStream bytes;

        Tee(ByteArrayOutputStream bytes) {
            this.bytes = bytes;
        }

        @Override
        public void write(int b) {
            synchronized (bytes) {
                bytes.write(b);
            }
            System.out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (bytes) {
                bytes.write(b, off, len);
            }
            System.out.write(b, off, len);
        }
    }
}
