package ir.serve;

import ir.store.AlertIntake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal under {@code ir serve}: records on disk, group commit, repair at open, segments and their deletion. */
class InboxTest {
    private static final Instant T0 = Instant.parse("2025-05-01T11:52:00.123456789Z");

    @TempDir
    Path state;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Inbox.Entry> journaled = Collections.synchronizedList(new ArrayList<>());
    private final List<Inbox> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(Inbox::close);
    }

    private Inbox open() {
        return open(Inbox.FORCE, Inbox.Limits.DEFAULT);
    }

    private Inbox open(Inbox.Disk disk, Inbox.Limits limits) {
        Inbox inbox = Inbox.open(state, log::add, disk, limits);
        opened.add(inbox);
        return inbox;
    }

    private Inbox started(Inbox.Disk disk, Inbox.Limits limits) {
        Inbox inbox = open(disk, limits);
        inbox.start(journaled::add);
        return inbox;
    }

    private Inbox started() {
        return started(Inbox.FORCE, Inbox.Limits.DEFAULT);
    }

    /** Closes as a crash would leave it for what matters here: nothing recorded, everything journaled kept. */
    private void close(Inbox inbox) {
        inbox.close();
        opened.remove(inbox);
    }

    private static AlertIntake.Payload payload(String format, String body, Instant at) {
        return new AlertIntake.Payload(format, body.getBytes(StandardCharsets.UTF_8), at);
    }

    private static AlertIntake.Payload payload(int n) {
        return payload("json", "{\"group\":\"g\",\"n\":" + String.format("%04d", n) + "}", T0.plusSeconds(n));
    }

    private static String body(Inbox inbox, Inbox.Entry e) throws IOException {
        return new String(inbox.read(e).body(), StandardCharsets.UTF_8);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(state.resolve(Inbox.DIR))) {
            return s.filter(p -> p.getFileName().toString().endsWith(Inbox.SEGMENT_SUFFIX)).sorted().toList();
        }
    }

    @Test
    void recordsRoundTripThroughASegment() throws Exception {
        byte[] big = new byte[Inbox.MAX_BODY];
        Arrays.fill(big, (byte) 'x');
        List<AlertIntake.Payload> written = List.of(
                payload("alertmanager", "{\"groupKey\":\"a\"}", T0),
                payload("pagerduty", "{\"event\":{}}", T0.plusNanos(1)),
                new AlertIntake.Payload("json", big, T0.plusSeconds(1)),
                payload("grafana", "", T0.plusSeconds(2)));
        Inbox inbox = started();
        List<Inbox.Entry> acked = new ArrayList<>();
        for (AlertIntake.Payload p : written) {
            acked.add(inbox.write(p));
        }
        assertThat(journaled).isEqualTo(acked);
        assertThat(body(inbox, acked.get(0))).isEqualTo("{\"groupKey\":\"a\"}");
        close(inbox);

        Inbox again = open();
        List<Inbox.Entry> pending = again.pending();
        assertThat(pending).isEqualTo(acked);
        for (int i = 0; i < written.size(); i++) {
            AlertIntake.Payload p = again.read(pending.get(i));
            assertThat(p.format()).isEqualTo(written.get(i).format());
            assertThat(p.receivedAt()).isEqualTo(written.get(i).receivedAt());
            assertThat(p.body()).isEqualTo(written.get(i).body());
        }
        assertThat(log).isEmpty();
    }

    @Test
    void aTornTailIsTruncatedAwayAndNeverReplayed() throws Exception {
        Inbox inbox = started();
        inbox.write(payload(1));
        Inbox.Entry second = inbox.write(payload(2));
        Inbox.Entry third = inbox.write(payload(3));
        close(inbox);
        Path segment = segments().get(0);
        long endOfSecond = second.offset() + second.bytes() + 4;
        // A crash while the third record's group was being written: half of it reached the disk.
        try (FileChannel ch = FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(third.offset() + 3);
        }

        Inbox again = open();
        assertThat(again.pending()).extracting(e -> body(again, e))
                .containsExactly(body(payload(1)), body(payload(2)));
        assertThat(Files.size(segment)).isEqualTo(endOfSecond);
        assertThat(log).singleElement().asString().contains("dropped").contains("not a complete record");
        close(again);

        log.clear();
        assertThat(open().pending()).hasSize(2);
        assertThat(log).isEmpty();
    }

    @Test
    void zerosAfterTheLastRecordAreATornTailToo() throws Exception {
        Inbox inbox = started();
        inbox.write(payload(1));
        close(inbox);
        Path segment = segments().get(0);
        long size = Files.size(segment);
        // A file system that extended the file before a power cut, without its data.
        Files.write(segment, new byte[4096], java.nio.file.StandardOpenOption.APPEND);

        assertThat(open().pending()).hasSize(1);
        assertThat(Files.size(segment)).isEqualTo(size);
    }

    @Test
    void aRecordFailingItsCrcIsSkippedAndTheRecordsAfterItAreKept() throws Exception {
        Inbox inbox = started();
        inbox.write(payload(1));
        Inbox.Entry second = inbox.write(payload(2));
        inbox.write(payload(3));
        close(inbox);
        try (RandomAccessFile f = new RandomAccessFile(segments().get(0).toFile(), "rw")) {
            f.seek(second.offset() + 5);
            int b = f.read();
            f.seek(second.offset() + 5);
            f.write(b ^ 0x01); // one bit of the body
        }

        Inbox again = open();
        assertThat(again.pending()).extracting(e -> body(again, e))
                .containsExactly(body(payload(1)), body(payload(3)));
        assertThat(log).singleElement().asString().contains("skipped").contains("not a valid record");
    }

    private static String body(AlertIntake.Payload p) {
        return new String(p.body(), StandardCharsets.UTF_8);
    }

    @Test
    void groupCommitAcknowledgesManyConcurrentWritersWithFewForces() throws Exception {
        int writers = 20;
        AtomicInteger forces = new AtomicInteger();
        AtomicReference<Inbox> self = new AtomicReference<>();
        long record = recordSize(payload(0));
        // The first force waits until every other writer is queued behind it (no timing: a count), as on a disk that
        // is slower than the senders; then the writer takes all of them at once.
        Inbox.Disk counting = ch -> {
            if (forces.incrementAndGet() == 1) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (ch.size() / record + self.get().waiting() < writers && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            ch.force(false);
        };
        Inbox inbox = started(counting, Inbox.Limits.DEFAULT);
        self.set(inbox);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Inbox.Entry>> acks = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                int n = i;
                acks.add(pool.submit(() -> {
                    go.await();
                    return inbox.write(payload(n));
                }));
            }
            go.countDown();
            List<Inbox.Entry> entries = new ArrayList<>();
            for (Future<Inbox.Entry> f : acks) {
                entries.add(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(entries).doesNotHaveDuplicates().hasSize(writers);
        } finally {
            pool.shutdownNow();
        }
        assertThat(forces.get()).as("forces for %d concurrent writers", writers).isEqualTo(2);
        assertThat(journaled).hasSize(writers);
        close(inbox);
        Inbox again = open();
        assertThat(again.pending()).extracting(e -> body(again, e)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, writers).mapToObj(i -> body(payload(i))).toList());
    }

    private static long recordSize(AlertIntake.Payload p) {
        return 4 + 4 + 1 + p.format().length() + 12 + p.body().length + 4;
    }

    @Test
    void segmentsRotateBySizeAndAreDeletedOnceEveryRecordInThemIsRecorded() throws Exception {
        long record = recordSize(payload(0));
        Inbox inbox = started(Inbox.FORCE, new Inbox.Limits(2 * record, 100, 1 << 20));
        List<Inbox.Entry> e = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            e.add(inbox.write(payload(i)));
        }
        // Two records a segment: [0 1] [2 3] [4], the last one still being written.
        assertThat(segments()).hasSize(3);
        assertThat(e).extracting(Inbox.Entry::file).containsExactly(segments().get(0), segments().get(0),
                segments().get(1), segments().get(1), segments().get(2));
        inbox.recorded(e.get(0));
        assertThat(segments()).hasSize(3);
        inbox.recorded(e.get(1));
        assertThat(segments()).doesNotContain(e.get(0).file()).hasSize(2);
        inbox.recorded(e.get(3));
        inbox.recorded(e.get(2));
        inbox.recorded(e.get(4));
        assertThat(segments()).as("the segment being written is deleted too when idle and recorded").isEmpty();

        Inbox.Entry later = inbox.write(payload(5));
        assertThat(segments()).containsExactly(later.file());
        close(inbox);
        Inbox again = open();
        assertThat(again.pending()).extracting(x -> body(again, x)).containsExactly(body(payload(5)));
    }

    @Test
    void aCleanCloseWithEverythingRecordedLeavesNothingToReplay() throws Exception {
        Inbox inbox = started();
        Inbox.Entry e = inbox.write(payload(1));
        inbox.write(payload(2));
        inbox.recorded(e);
        close(inbox);
        Inbox again = started();
        // The segment still held one payload not recorded: all of it is replayed (the intake ignores the other).
        assertThat(again.pending()).hasSize(2);
        again.pending().forEach(again::recorded);
        assertThat(segments()).isEmpty();
        close(again);
        assertThat(segments()).isEmpty();
        assertThat(open().pending()).isEmpty();
    }

    @Test
    void replayOrderIsTheOrderReceivedAcrossSegmentsAndRuns() throws Exception {
        long record = recordSize(payload(0));
        Inbox.Limits small = new Inbox.Limits(3 * record, 100, 1 << 20);
        Inbox first = started(Inbox.FORCE, small);
        for (int i = 0; i < 7; i++) {
            first.write(payload(i));
        }
        close(first);
        Inbox second = started(Inbox.FORCE, small);
        assertThat(second.pending()).hasSize(7);
        for (int i = 7; i < 12; i++) {
            second.write(payload(i));
        }
        close(second);
        Inbox third = open(Inbox.FORCE, small);
        assertThat(third.pending()).extracting(e -> body(third, e)).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 12).mapToObj(i -> body(payload(i))).toList());
        assertThat(third.pending()).extracting(Inbox.Entry::receivedAt).isSorted();
    }

    @Test
    void aFailedForceAnswersTheGroupWithAnErrorAndLaterPayloadsGoToANewSegment() throws Exception {
        AtomicInteger forces = new AtomicInteger();
        Inbox.Disk failingSecond = ch -> {
            if (forces.incrementAndGet() == 2) {
                throw new IOException("No space left on device");
            }
            ch.force(false);
        };
        Inbox inbox = started(failingSecond, Inbox.Limits.DEFAULT);
        Inbox.Entry a = inbox.write(payload(1));
        assertThatThrownBy(() -> inbox.write(payload(2))).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left");
        Inbox.Entry c = inbox.write(payload(3));
        assertThat(c.file()).isNotEqualTo(a.file());
        assertThat(journaled).containsExactly(a, c);
        close(inbox);
        Inbox again = open();
        assertThat(again.pending()).extracting(e -> body(again, e))
                .containsExactly(body(payload(1)), body(payload(3)));
    }

    @Test
    void tooManyPayloadsWaitingForTheDiskAreRefusedAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Inbox.Disk stuck = ch -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ch.force(false);
        };
        Inbox inbox = started(stuck, new Inbox.Limits(Inbox.SEGMENT_BYTES, 2, 1 << 20));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<Inbox.Entry> inGroup = pool.submit(() -> inbox.write(payload(1)));
            while (journaledOrWriting(inbox) == 0) {
                Thread.onSpinWait(); // the writer took it and is forcing
            }
            Future<Inbox.Entry> q1 = pool.submit(() -> inbox.write(payload(2)));
            Future<Inbox.Entry> q2 = pool.submit(() -> inbox.write(payload(3)));
            while (inbox.waiting() < 2) {
                Thread.onSpinWait();
            }
            assertThatThrownBy(() -> inbox.write(payload(4))).isInstanceOf(Inbox.Full.class);
            release.countDown();
            assertThat(List.of(inGroup.get(20, TimeUnit.SECONDS), q1.get(20, TimeUnit.SECONDS),
                    q2.get(20, TimeUnit.SECONDS))).hasSize(3);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(journaled).hasSize(3);
    }

    /** Bytes in the segment being written (the writer has taken a group once there are some). */
    private long journaledOrWriting(Inbox inbox) throws IOException {
        List<Path> s = segments();
        return s.isEmpty() ? 0 : Files.size(s.get(0));
    }

    @Test
    void aPayloadSetAsideIsKeptReadableAndCountsAsRecorded() throws Exception {
        Inbox inbox = started();
        Inbox.Entry e = inbox.write(payload("json", "{\"not\":\"routable\"}", T0));
        Path where = inbox.reject(e);
        assertThat(where.getParent().getFileName().toString()).isEqualTo(Inbox.REJECTED);
        assertThat(Files.readString(where)).isEqualTo("ir-inbox 1 json " + T0 + "\n{\"not\":\"routable\"}");
        assertThat(segments()).isEmpty();
    }

    @Test
    void writesAreRefusedBeforeStartAndAfterStop() throws Exception {
        Inbox inbox = open();
        assertThatThrownBy(() -> inbox.write(payload(1))).isInstanceOf(IOException.class);
        inbox.start(journaled::add);
        inbox.write(payload(1));
        inbox.stopWriting(java.time.Duration.ofSeconds(5));
        assertThatThrownBy(() -> inbox.write(payload(2))).isInstanceOf(IOException.class);
    }
}
