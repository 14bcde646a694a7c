package io.jenkins.plugins.slipway.runner.it.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a bare socket, so a request can carry what well-behaved clients refuse to send: raw bytes in the
 * path, lying lengths, huge headers. The body is written by a second thread while the answer is read, so a
 * server that answers before reading a huge body (413) is heard before it closes the connection.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** What came back: the status (0 when the connection closed without an answer) and the body. */
    record Answer(int status, String body, String failure) {
    }

    static Answer send(int port, byte[] head, Body body) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(head);
            out.flush();
            Thread writer = null;
            if (body != null) {
                writer = new Thread(() -> {
                    try {
                        body.writeTo(out);
                        out.flush();
                    } catch (IOException e) {
                        // the server stopped reading: its answer says why
                    }
                }, "raw-http-body");
                writer.setDaemon(true);
                writer.start();
            }
            byte[] all = readAll(s.getInputStream());
            if (writer != null) {
                writer.join(10_000);
            }
            return parse(all);
        } catch (IOException e) {
            return new Answer(0, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "", e.toString());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                b.write(buf, 0, n);
            }
        } catch (IOException e) {
            if (b.size() == 0) {
                throw e;
            }
            // a reset after the whole answer arrived: keep what we have
        }
        return b.toByteArray();
    }

    private static Answer parse(byte[] all) {
        String text = new String(all, StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.")) {
            return new Answer(0, text, "no status line");
        }
        int status = Integer.parseInt(text.substring(9, 12));
        int split = text.indexOf("\r\n\r\n");
        String headers = split < 0 ? text : text.substring(0, split).toLowerCase(Locale.ROOT);
        String body = split < 0 ? "" : text.substring(split + 4);
        if (headers.contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Answer(status, body, null);
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(i, eol).trim().split(";")[0], 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    /** A request body: bytes, or a large run of one pattern written without holding it in memory. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;

        static Body of(byte[] bytes) {
            return out -> out.write(bytes);
        }

        static Body repeated(byte[] prefix, byte fill, long length) {
            return out -> {
                out.write(prefix);
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, fill);
                for (long left = length - prefix.length; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            };
        }
    }
}
