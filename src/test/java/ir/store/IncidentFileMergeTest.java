package ir.store;

import ir.model.Incident;
import ir.model.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IncidentFileMergeTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static TimelineEvent event(String id, int minute, String type, Map<String, Object> attrs) {
        return new TimelineEvent(id, T0.plusSeconds(60L * minute), "Alice <a@example.com>", type, type + " " + id,
                false, attrs);
    }

    @Test
    void bothClonesComputeByteIdenticalFilesWhicheverSideIsOurs() {
        Incident base = Incident.declare("2026-11-28-db", "Database down", "SEV-3", "investigating", false, T0,
                event("d0", 0, TimelineEvent.DECLARED, Map.of()));
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("role", "commander");
        role.put("to", "Bob");
        Incident ours = base.withSeverity("SEV-1").withRole("commander", List.of("Bob"))
                .withEvent(event("s1", 3, TimelineEvent.SEVERITY, Map.of("to", "SEV-1")))
                .withEvent(event("r1", 4, TimelineEvent.ROLE, role)).withEvent(event("n1", 5, "note", Map.of()));
        role.put("to", "Carol");
        Incident theirs = base.withSeverity("SEV-2").withRole("commander", List.of("Carol"))
                .withEvent(event("s2", 3, TimelineEvent.SEVERITY, Map.of("to", "SEV-2")))
                .withEvent(event("r2", 2, TimelineEvent.ROLE, role)).withEvent(event("n2", 5, "note", Map.of()));
        byte[] b = IncidentCodec.toYaml(base);
        byte[] o = IncidentCodec.toYaml(ours);
        byte[] t = IncidentCodec.toYaml(theirs);

        IncidentFileMerge.Result one = IncidentFileMerge.merge(b, o, t, "incidents/2026-11-28-db.yaml");
        IncidentFileMerge.Result other = IncidentFileMerge.merge(b, t, o, "incidents/2026-11-28-db.yaml");

        assertThat(one.bytes()).isEqualTo(other.bytes());
        Incident merged = IncidentCodec.parse(one.bytes(), "merged");
        assertThat(merged.roles().get("commander")).containsExactly("Bob");
        assertThat(merged.timeline()).filteredOn(e -> e.type().equals(TimelineEvent.MERGE)).hasSize(2);
    }

    @Test
    void twoDifferentIncidentsInOneFileNeedAPerson() {
        Incident x = Incident.declare("2026-11-28-a", "A", "SEV-3", "investigating", false, T0,
                event("d0", 0, TimelineEvent.DECLARED, Map.of()));
        Incident y = Incident.declare("2026-11-28-b", "B", "SEV-3", "investigating", false, T0,
                event("d1", 0, TimelineEvent.DECLARED, Map.of()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IncidentFileMerge.merge(new byte[0],
                IncidentCodec.toYaml(x), IncidentCodec.toYaml(y), "f.yaml"))
                .isInstanceOf(ir.model.IrException.class).hasMessageContaining("different incidents");
    }

    @Test
    void aMergeThatWouldWriteAFileIrCannotReadBackNeedsAPerson() {
        Incident base = Incident.declare("2026-11-28-db", "Database down", "SEV-3", "investigating", false, T0,
                event("d0", 0, TimelineEvent.DECLARED, Map.of()));
        Incident ours = base;
        Incident theirs = base;
        String text = "long output line, ".repeat(3_000); // about 54 KB per entry
        for (int k = 0; k < 90; k++) { // each side about 5 MB: each readable, together over 8 MiB
            ours = ours.withEvent(new TimelineEvent("o" + k, T0.plusSeconds(k + 1), "Alice <a@example.com>", "note",
                    text, false, Map.of()));
            theirs = theirs.withEvent(new TimelineEvent("t" + k, T0.plusSeconds(k + 1), "Bob <b@example.com>", "note",
                    text, false, Map.of()));
        }
        byte[] o = IncidentCodec.toYaml(ours);
        byte[] t = IncidentCodec.toYaml(theirs);
        assertThat(o.length).isLessThan(YamlCodec.MAX_DOCUMENT_BYTES);
        assertThat(t.length).isLessThan(YamlCodec.MAX_DOCUMENT_BYTES);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IncidentFileMerge.merge(IncidentCodec.toYaml(base),
                o, t, "incidents/2026-11-28-db.yaml"))
                .isInstanceOfSatisfying(ir.model.IrException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ir.model.ExitCode.BUSY))
                .hasMessageContaining("incidents/2026-11-28-db.yaml would be").hasMessageContaining("after the merge");
    }
}
