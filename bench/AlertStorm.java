import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The alert-storm measurement of the performance budget: GROUPS alert groups, UPDATES notifications each (Alertmanager
 * webhook version 4: each update adds a firing alert to its group, the last one resolves them all), posted by SENDERS
 * concurrent senders to a running {@code ir serve}. Prints one tab-separated line per figure: notifications,
 * acknowledged (2xx), failures, acknowledgement p50/p99/max in ms, wall seconds and throughput per second.
 *
 * Usage: java bench/AlertStorm.java URL [GROUPS] [UPDATES] [SENDERS] [GROUP-NAME-PREFIX]   (run by bench/alert-storm.sh)
 */
public final class AlertStorm {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int groups = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int updates = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int senders = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        String prefix = args.length > 4 ? args[4] : "StormAlert";
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
        List<String> bodies = new ArrayList<>();
        // Round by round, so each group's updates arrive in order but interleaved with every other group's.
        for (int u = 0; u < updates; u++) {
            for (int g = 0; g < groups; g++) {
                bodies.add(payload(prefix, g, u, updates, start));
            }
        }
        long[] nanos = new long[bodies.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        // Each sender first opens its connection and warms this client (GET /healthz, untimed), then all start
        // together: what is measured is the receiver's acknowledgement, not this JVM's own start-up (its first
        // requests load and compile the HTTP client: ~130 ms each on 2 cores), which a real sender, a long-running
        // Alertmanager with kept-alive connections, does not pay. WARM_UP=0 measures from cold.
        int warmUps = Integer.parseInt(System.getenv().getOrDefault("WARM_UP", "3"));
        CountDownLatch ready = new CountDownLatch(senders);
        CountDownLatch go = new CountDownLatch(1);
        URI health = url.resolve("/healthz");
        List<Future<?>> done = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            done.add(pool.submit(() -> {
                try {
                    for (int w = 0; w < warmUps; w++) {
                        get(health);
                    }
                } finally {
                    ready.countDown(); // a receiver not there fails the posts below, not this wait
                }
                go.await();
                for (int i; (i = next.getAndIncrement()) < bodies.size(); ) {
                    byte[] body = bodies.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    long a = System.nanoTime();
                    try {
                        int code = post(url, body);
                        (code / 100 == 2 ? ok : failed).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    nanos[i] = System.nanoTime() - a;
                }
                return null;
            }));
        }
        ready.await();
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("notifications\t%d%n", bodies.size());
        System.out.printf("client_warm_up\t%d%n", warmUps);
        System.out.printf("acknowledged\t%d%n", ok.get());
        System.out.printf("failed\t%d%n", failed.get());
        System.out.printf("ack_p50_ms\t%.1f%n", pct(sorted, 50));
        System.out.printf("ack_p99_ms\t%.1f%n", pct(sorted, 99));
        System.out.printf("ack_max_ms\t%.1f%n", sorted[sorted.length - 1] / 1e6);
        System.out.printf("wall_s\t%.2f%n", wall);
        System.out.printf("per_second\t%.0f%n", bodies.size() / wall);
    }

    /** A POST on this thread's kept-alive connection (HttpURLConnection reuses it); returns the status. */
    static int post(URI url, byte[] body) throws java.io.IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(30000);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(body.length);
        try (var out = c.getOutputStream()) {
            out.write(body);
        }
        int code = c.getResponseCode();
        try (var in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        return code;
    }

    static void get(URI url) throws java.io.IOException {
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.toURL().openConnection();
        try (var in = c.getInputStream()) {
            in.readAllBytes();
        }
    }

    private static double pct(long[] sorted, int p) {
        int k = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, k)] / 1e6;
    }

    /** Update {@code u} of group {@code g}: alerts 0..u firing, or (the last update) all of them resolved. */
    private static String payload(String prefix, int g, int u, int updates, Instant start) {
        boolean resolved = u == updates - 1;
        String name = prefix + g;
        StringBuilder alerts = new StringBuilder();
        for (int a = 0; a <= Math.min(u, updates - 2); a++) {
            if (a > 0) {
                alerts.append(',');
            }
            alerts.append("{\"status\":\"").append(resolved ? "resolved" : "firing").append("\",")
                    .append("\"labels\":{\"alertname\":\"").append(name).append("\",\"instance\":\"host")
                    .append(a).append("\",\"severity\":\"critical\"},")
                    .append("\"annotations\":{\"summary\":\"").append(name).append(" firing\"},")
                    .append("\"startsAt\":\"").append(start.plusSeconds(a)).append("\",")
                    .append("\"endsAt\":\"").append(resolved ? start.plusSeconds(600).toString()
                            : "0001-01-01T00:00:00Z").append("\",")
                    .append("\"generatorURL\":\"http://prometheus.example/graph\",")
                    .append("\"fingerprint\":\"").append(String.format("%08x%08x", name.hashCode(), a))
                    .append("\"}");
        }
        String group = "{}:{alertname=\\\"" + name + "\\\"}";
        return "{\"version\":\"4\",\"groupKey\":\"" + group + "\",\"truncatedAlerts\":0,\"status\":\""
                + (resolved ? "resolved" : "firing") + "\",\"receiver\":\"ir\",\"groupLabels\":{\"alertname\":\""
                + name + "\"},\"commonLabels\":{\"alertname\":\"" + name + "\",\"severity\":\"critical\"},"
                + "\"commonAnnotations\":{\"summary\":\"" + name + " firing\"},\"externalURL\":"
                + "\"http://alertmanager.example\",\"alerts\":[" + alerts + "]}";
    }
}
