package ir.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A stand-in for Slack, Teams, Google Chat, a webhook receiver or PagerDuty: a real HTTP server on 127.0.0.1 that
 * records every request (method, path and query, body) and answers each with the next status of a script (the last
 * one repeated; 200 "ok" by default).
 */
public final class FakeService implements AutoCloseable {
    /** One request as the service saw it. */
    public record Request(String method, String pathAndQuery, String contentType, String body) {
    }

    /** One scripted answer. */
    public record Answer(int status, String body) {
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Answer last = new Answer(200, "ok");
    private final HttpServer server;

    private FakeService(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String q = ex.getRequestURI().getRawQuery();
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath() + (q == null ? "" : "?" + q),
                    ex.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8)));
            Answer a = script.poll();
            if (a == null) {
                a = last;
            } else if (script.isEmpty()) {
                last = a;
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                ex.getResponseBody().write(out);
            }
            ex.close();
        });
        server.start();
    }

    /** A service on a free port. */
    public static FakeService start() {
        return new FakeService(0);
    }

    /** A service on {@code port} (one that was down, now up again). */
    public static FakeService startOn(int port) {
        return new FakeService(port);
    }

    /** Answers the next requests with these, in order (the last one then for every later request). */
    public FakeService answer(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Waits (up to 20 s) until at least {@code n} requests came, and returns them all. */
    public List<Request> awaitRequests(int n) {
        long end = System.nanoTime() + 20_000_000_000L;
        while (requests.size() < n && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return requests();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
