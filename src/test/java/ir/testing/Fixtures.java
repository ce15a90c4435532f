package ir.testing;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Incident files written directly (as a responder's clone would hold them) and committed with JGit. */
public final class Fixtures {
    public static final String REENACTED = "2026-11-28-checkout-latency-spike";

    private Fixtures() {
    }

    /**
     * Issue 3's re-enactment driven through ir's own commands, nine steps, nine commits: opened 15:01 as SEV-2,
     * started 14:54, SEV-1 at 15:03, commander and scribe at 15:05, identified at 15:36, the commander handed off at
     * 15:38, monitoring at 16:00, resolved at 16:30. Leaves the clock at 16:45; returns the incident's ID.
     */
    public static String reenactWithCommands(IrTester ir) {
        ir.at("2015-10-21T15:01:30Z");
        String id = ir.open("Shakespeare sonnet search down", "--severity", "SEV-2", "--at", "15:01");
        ok(ir, "mark", "started", "--at", "14:54");
        ir.at("2015-10-21T15:04:00Z");
        ok(ir, "severity", "SEV-1", "--at", "15:03", "--reason", "all search traffic failing");
        ok(ir, "role", "commander", "Alice Responder <alice@example.com>", "--at", "15:05");
        ok(ir, "role", "scribe", "Bob <bob@example.com>", "--at", "15:05");
        ir.at("2015-10-21T15:40:00Z");
        ok(ir, "status", "identified", "cascading failure from the new sonnet corpus", "--at", "15:36");
        ok(ir, "role", "commander", "Carol <carol@example.com>", "--at", "15:38");
        ir.at("2015-10-21T16:10:00Z");
        ok(ir, "status", "monitoring", "--at", "16:00", "traffic shifted to a healthy cluster");
        ir.at("2015-10-21T16:45:00Z");
        ok(ir, "status", "resolved", "--at", "2015-10-21T16:30:00Z");
        return id;
    }

    private static void ok(IrTester ir, String... args) {
        IrTester.Result r = ir.run(args);
        if (r.exit() != 0) {
            throw new AssertionError("ir " + String.join(" ", args) + " failed: " + r);
        }
    }

    /**
     * The re-enacted incident of the lifecycle issue: opened 15:01 as SEV-2, started 14:54, SEV-1 at 15:03, commander
     * and scribe assigned, the commander handed off, identified, monitoring at 16:00 (mitigated), resolved at 16:30.
     * Impact: 14:54 to 16:00, 66 minutes.
     */
    public static String reenactedYaml() {
        return """
                schema: 1
                id: 2026-11-28-checkout-latency-spike
                title: Checkout latency spike
                severity: SEV-1
                status: resolved
                drill: false
                opened_at: 2026-11-28T15:01:00Z
                started_at: 2026-11-28T14:54:00Z
                detected_at: 2026-11-28T14:58:00Z
                acknowledged_at: 2026-11-28T15:01:00Z
                mitigated_at: 2026-11-28T16:00:00Z
                resolved_at: 2026-11-28T16:30:00Z
                roles:
                  commander: Carol Chen <carol@example.com>
                  scribe: Alice Responder <alice@example.com>
                summary: |-
                  Checkout requests timed out for 66 minutes after release 412 shrank the payment
                  service's connection pool. Rolling back the release ended the impact.
                impact: About 30% of checkout attempts failed or took over 10 s; 1,240 orders were delayed & 85 abandoned.
                root_cause: Release 412 changed the default pool size from 50 to 5 & no test covered the pool configuration.
                trigger: The 14:50 deploy of release 412 to all regions at once.
                resolution: Rolled back to release 411; the pool refilled within two minutes.
                detection: A p99 latency alert on checkout fired four minutes after impact began.
                went_well:
                  - The rollback took under five minutes once decided.
                went_wrong:
                  - The deploy went to every region at once.
                  - The latency alert paged the wrong team first.
                got_lucky:
                  - It happened outside the Black Friday peak.
                tags: [checkout, payments]
                links:
                  - https://status.example.com/incidents/42
                actions:
                  - id: a7k2m9q4x1
                    text: Deploy region by region with automatic rollback on p99 latency
                    type: prevent
                    owner: Bob Builder <bob@example.com>
                    due: 2026-12-12
                    status: open
                    link: https://tracker.example.com/OPS-101
                  - id: b3n8p5r2z6
                    text: Page the payments team for checkout latency alerts
                    type: process
                    owner: Carol Chen <carol@example.com>
                    due: 2026-12-05
                    status: done
                timeline:
                  - id: e00000000started
                    at: 2026-11-28T14:54:00Z
                    author: Alice Responder <alice@example.com>
                    type: milestone
                    text: impact started (backdated)
                    milestone: started
                  - id: e01declared0000
                    at: 2026-11-28T15:01:00Z
                    author: Alice Responder <alice@example.com>
                    type: declared
                    text: 'Declared: Checkout latency spike (SEV-2)'
                  - id: e02severity000
                    at: 2026-11-28T15:03:00Z
                    author: Alice Responder <alice@example.com>
                    type: severity
                    text: escalate, checkout failing in all regions
                    from: SEV-2
                    to: SEV-1
                  - id: e03role0000000
                    at: 2026-11-28T15:04:00Z
                    author: Alice Responder <alice@example.com>
                    type: role
                    role: commander
                    to: Bob Builder <bob@example.com>
                  - id: e04role0000000
                    at: 2026-11-28T15:05:00Z
                    author: Alice Responder <alice@example.com>
                    type: role
                    role: scribe
                    to: Alice Responder <alice@example.com>
                  - id: e05note0000000
                    at: 2026-11-28T15:12:00Z
                    author: Bob Builder <bob@example.com>
                    type: note
                    text: Payment service connection pool is saturated
                  - id: e06role0000000
                    at: 2026-11-28T15:30:00Z
                    author: Bob Builder <bob@example.com>
                    type: role
                    role: commander
                    from: Bob Builder <bob@example.com>
                    to: Carol Chen <carol@example.com>
                  - id: e07status00000
                    at: 2026-11-28T15:40:00Z
                    author: Carol Chen <carol@example.com>
                    type: status
                    text: release 412 shrank the pool
                    from: investigating
                    to: identified
                  - id: e08decision000
                    at: 2026-11-28T15:45:00Z
                    author: Carol Chen <carol@example.com>
                    type: decision
                    text: Roll back release 412
                    important: true
                  - id: e09status00000
                    at: 2026-11-28T16:00:00Z
                    author: Carol Chen <carol@example.com>
                    type: status
                    text: rollback done, latency back to normal
                    from: identified
                    to: monitoring
                  - id: e10status00000
                    at: 2026-11-28T16:30:00Z
                    author: Carol Chen <carol@example.com>
                    type: status
                    from: monitoring
                    to: resolved
                """;
    }

    /** Writes {@code incidents/<id>.yaml} and commits it (the incident becomes current). */
    public static String write(IrTester t, String id, String yaml) {
        writeFile(t, "incidents/" + id + ".yaml", yaml);
        commit(t, "incidents/" + id + ".yaml", "fixture " + id);
        Path current = t.dir().resolve(".git/ir/current");
        try {
            Files.createDirectories(current.getParent());
            Files.writeString(current, id + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return id;
    }

    public static void writeFile(IrTester t, String relative, String content) {
        try {
            Path p = t.dir().resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void commit(IrTester t, String relative, String message) {
        try (Git git = Git.open(t.dir().toFile())) {
            PersonIdent who = new PersonIdent("Fixture", "fixture@example.com");
            git.add().addFilepattern(relative).call();
            git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
