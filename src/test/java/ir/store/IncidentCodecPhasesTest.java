package ir.store;

import ir.model.DataLoss;
import ir.model.ImpactWindow;
import ir.model.Incident;
import ir.model.IrException;
import ir.model.Milestone;
import ir.model.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code impact_windows} and {@code data_loss} in the incident file: where they go, and how bad ones are reported. */
class IncidentCodecPhasesTest {
    private static final Instant T = Instant.parse("2018-10-21T22:54:00Z");

    private static Incident incident() {
        return Incident.declare("2018-10-21-db", "DB", "SEV-2", "investigating", false, T,
                new TimelineEvent("declared0001", T, "A", TimelineEvent.DECLARED, "x", false, Map.of()))
                .withRole("commander", List.of("Alice <a@example.com>"));
    }

    @Test
    void windowsAndDataLossFollowTheMilestonesAndReadBackEqual() {
        Incident i = incident().withTime(Milestone.STARTED, T.minusSeconds(120))
                .withTime(Milestone.MITIGATED, T.plusSeconds(3600))
                .withImpactWindows(List.of(new ImpactWindow(T.minusSeconds(120), T.plusSeconds(600), "degraded"),
                        new ImpactWindow(T.plusSeconds(1200), T.plusSeconds(3600), null)))
                .withDataLoss(new DataLoss(T.minusSeconds(120), T, "writes"));
        String yaml = new String(IncidentCodec.toYaml(i), StandardCharsets.UTF_8);
        int mitigated = yaml.indexOf("\nmitigated_at:");
        int windows = yaml.indexOf("\nimpact_windows:");
        int loss = yaml.indexOf("\ndata_loss:");
        int roles = yaml.indexOf("\nroles:");
        assertThat(mitigated).isPositive().isLessThan(windows);
        assertThat(windows).isLessThan(loss);
        assertThat(loss).isLessThan(roles);
        Incident back = IncidentCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), "f.yaml");
        assertThat(back).isEqualTo(i);
        assertThat(back.extra()).isEmpty();
    }

    @Test
    void aFileWithoutThemHasNone() {
        String yaml = new String(IncidentCodec.toYaml(incident()), StandardCharsets.UTF_8);
        assertThat(yaml).doesNotContain("impact_windows").doesNotContain("data_loss");
        Incident back = IncidentCodec.parse(yaml.getBytes(StandardCharsets.UTF_8), "f.yaml");
        assertThat(back.impactWindows()).isEmpty();
        assertThat(back.dataLoss()).isNull();
    }

    @Test
    void badWindowsAreReportedByNameAndPlace() {
        String base = "schema: 1\nid: x\ntitle: X\n";
        assertThatThrownBy(() -> IncidentCodec.parse((base + "impact_windows:\n- started_at: 2018-10-21T22:52:00Z\n"
                + "- started_at: soon\n").getBytes(StandardCharsets.UTF_8), "x.yaml"))
                .isInstanceOf(IrException.class)
                .hasMessageStartingWith("x.yaml has an invalid time in 'impact_windows[2].started_at': soon");
        assertThatThrownBy(() -> IncidentCodec.parse((base + "impact_windows:\n- label: x\n")
                .getBytes(StandardCharsets.UTF_8), "x.yaml"))
                .hasMessageStartingWith("x.yaml has an impact window (1) without 'started_at'");
        assertThatThrownBy(() -> IncidentCodec.parse((base + "data_loss: yes\n").getBytes(StandardCharsets.UTF_8),
                "x.yaml")).hasMessageStartingWith("x.yaml has 'data_loss' that is not {from, to, note}");
    }
}
