package io.jenkins.plugins.slipway.runner.tasks;

import io.jenkins.plugins.slipway.runner.client.TaskLine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a task wrote, as numbered lines, held in memory up to {@link #MAX_BYTES}; readers follow it from any
 * line on. Output arrives in pieces that split lines (and UTF-8 characters) anywhere, so each stream keeps its
 * unfinished line until the break or the end. A line longer than {@link #MAX_LINE_BYTES} is cut into several.
 */
public final class TaskLog {
    /** The most a task's log holds; beyond it one line says so and the rest is dropped. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    static final int MAX_LINE_BYTES = 64 * 1024;

    /** Told of every line from the one it started after, then of the end. Called under the log's lock: be quick. */
    public interface Reader {
        void line(TaskLine line);

        void ended();
    }

    private final List<TaskLine> lines = new ArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    private long bytes;
    private boolean truncated;
    private boolean ended;

    /** A piece of output, as the engine delivered it. */
    public synchronized void write(boolean fromStderr, byte[] piece) {
        if (ended) {
            return;
        }
        ByteArrayOutputStream partial = fromStderr ? stderr : stdout;
        for (byte b : piece) {
            if (b == '\n') {
                flush(partial, fromStderr);
            } else {
                partial.write(b);
                if (partial.size() >= MAX_LINE_BYTES) {
                    flush(partial, fromStderr);
                }
            }
        }
    }

    /** The output is complete: unfinished lines are kept as they are, and readers are told. */
    public synchronized void end() {
        if (ended) {
            return;
        }
        if (stdout.size() > 0) {
            flush(stdout, false);
        }
        if (stderr.size() > 0) {
            flush(stderr, true);
        }
        ended = true;
        readers.forEach(Reader::ended);
        readers.clear();
    }

    private void flush(ByteArrayOutputStream partial, boolean fromStderr) {
        byte[] raw = partial.toByteArray();
        partial.reset();
        int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        if (truncated) {
            return;
        }
        bytes += length + 1;
        if (bytes > MAX_BYTES) {
            truncated = true;
            add(new TaskLine(lines.size() + 1, "stderr", "[slipway] the log holds " + MAX_BYTES / (1024 * 1024)
                    + " MiB at most; the rest of the output is dropped"));
            return;
        }
        add(new TaskLine(lines.size() + 1, fromStderr ? "stderr" : "stdout",
                new String(raw, 0, length, StandardCharsets.UTF_8)));
    }

    private void add(TaskLine line) {
        lines.add(line);
        readers.forEach(r -> r.line(line));
    }

    /**
     * Replays the lines after {@code after} to {@code reader} and follows the new ones; {@link Reader#ended()}
     * comes last (at once when the log ended already).
     *
     * @return stops the following
     */
    public synchronized AutoCloseable follow(long after, Reader reader) {
        for (int i = (int) Math.max(0, Math.min(after, lines.size())); i < lines.size(); i++) {
            reader.line(lines.get(i));
        }
        if (ended) {
            reader.ended();
            return () -> { };
        }
        readers.add(reader);
        return () -> readers.remove(reader);
    }

    /** Every line held so far. */
    public synchronized List<TaskLine> lines() {
        return List.copyOf(lines);
    }

    public synchronized long size() {
        return lines.size();
    }
}
