package io.jenkins.plugins.slipway.runner.it.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.jenkins.plugins.slipway.runner.engine.kubernetes.KubernetesObjectCheck;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mock API server's CRUD dispatcher with {@link KubernetesObjectCheck} on every write: the body of a create or
 * replace, the object a patch produced. What it finds is kept for the test to assert on, with a count of the
 * writes it checked by method and resource, so that a test also sees that there was something to check.
 */
final class CheckingDispatcher extends KubernetesCrudDispatcher {
    final List<String> problems = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        check("POST", request.getPath(), body(request));
        return super.handleCreate(request);
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        check("PUT", request.getPath(), body(request));
        return super.handleUpdate(request);
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        MockResponse response = super.handlePatch(request);
        if (response.code() / 100 == 2) {
            String path = request.getPath();
            int q = path.indexOf('?');
            String result = new String(handleGet(q < 0 ? path : path.substring(0, q)).getBody().getBytes(),
                    StandardCharsets.UTF_8);
            check("PATCH", path, result);
        }
        return response;
    }

    /** The body without consuming it: the CRUD dispatcher reads it next. */
    private static String body(RecordedRequest request) {
        return new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    private void check(String method, String path, String json) {
        writes.computeIfAbsent(method + " " + resource(path), k -> new AtomicInteger()).incrementAndGet();
        for (String p : KubernetesObjectCheck.problems(json)) {
            problems.add(method + " " + path + ": " + p);
        }
    }

    /** {@code deployments} of {@code /apis/apps/v1/namespaces/x/deployments/name?...}. */
    private static String resource(String path) {
        String[] parts = path.split("\\?")[0].split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equals("namespaces") && i + 2 < parts.length) {
                return parts[i + 2];
            }
        }
        return path;
    }

    int writes(String methodAndResource) {
        AtomicInteger n = writes.get(methodAndResource);
        return n == null ? 0 : n.get();
    }
}
