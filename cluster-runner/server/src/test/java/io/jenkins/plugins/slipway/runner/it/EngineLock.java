package io.jenkins.plugins.slipway.runner.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The IT lock, held for the whole of each IT class: shared by ordinary classes, exclusive for a {@link WholeMachine}
 * class. failsafe runs IT classes in two JVMs at once; this keeps a whole-machine class alone.
 *
 * <p>Two lock files, as in the shell protocol of the same names (a gate, then the lock): a class that wants the
 * lock exclusively holds the gate while it waits, and a shared taker passes the gate first, so a stream of shared
 * classes in the other JVM cannot starve it. These are {@code fcntl} locks (Java's), between the JVMs of one run.
 *
 * <p>Registered for every test class through {@code META-INF/services} and JUnit's extension autodetection, which
 * only failsafe turns on; it acts on classes whose names end in {@code IT}.
 */
public final class EngineLock implements BeforeAllCallback, AfterAllCallback {
    private static final Path DIR = Path.of(System.getProperty("slipway.it.lock.dir", System.getProperty("java.io.tmpdir")));
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EngineLock.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> test = context.getRequiredTestClass();
        if (!test.getSimpleName().endsWith("IT") || test.getEnclosingClass() != null) {
            return;
        }
        WholeMachine whole = test.getAnnotation(WholeMachine.class);
        long waited = System.nanoTime();
        Held held;
        try (FileChannel gate = open("slipway-it-jvm.gate"); FileLock passing = gate.lock()) {
            FileChannel lock = open("slipway-it-jvm.lock");
            // Exclusive: waits for the other JVM's class to end while holding the gate; shared: has passed the gate.
            held = new Held(lock, lock.lock(0, Long.MAX_VALUE, whole == null));
        }
        double seconds = (System.nanoTime() - waited) / 1e9;
        if (whole != null || seconds > 1) {
            System.out.printf("IT lock %s for %s after %.1f s%s%n", whole == null ? "shared" : "exclusive",
                    test.getSimpleName(), seconds, whole == null ? "" : " (" + whole.value() + ")");
        }
        context.getStore(NS).put(test, held);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Held held = context.getStore(NS).remove(context.getRequiredTestClass(), Held.class);
        if (held != null) {
            held.close();
        }
    }

    private static FileChannel open(String name) throws IOException {
        return FileChannel.open(DIR.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private record Held(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
