package ir.store;

import java.time.Instant;
import java.util.List;

/**
 * The one way alerts enter a workspace, shared by {@code ir ingest} and {@code ir serve}: payloads in one of the
 * intake formats are checked, then recorded, at most one commit per changed incident, and recording the same payload
 * again changes nothing. Obtained from the workspace's owned backend (see {@link IncidentStore}).
 */
public interface AlertIntake {
    /** The intake formats, as named on the command line and in {@code POST /alerts/<format>}. */
    List<String> FORMATS = List.of("alertmanager", "grafana", "pagerduty", "json");

    /** One received payload: its format (one of {@link #FORMATS}, or null to detect it), raw body and receipt time. */
    record Payload(String format, byte[] body, Instant receivedAt) {
    }

    /** What recording did to one incident: {@code opened}, {@code added 2 alerts}, {@code nothing new}, ... */
    record Outcome(String incidentId, String what, boolean changed) {
    }

    /**
     * Parses and routes a payload without writing anything; throws {@link ir.model.IrException} (usage) with a one-line
     * reason when it is not a valid payload of its format, so a receiver can answer 400 before journaling it.
     */
    void check(Payload payload);

    /** Records payloads in order; one commit per incident they change. Idempotent per payload. */
    List<Outcome> record(List<Payload> payloads);

    /**
     * A drill's alert inject: the payload parsed and routed as any other, its times moved to its receipt (a scenario's
     * payload was written long before it is played), and its alerts recorded on {@code incident} (the drill) rather
     * than on the incident its group would open. Writes nothing: the caller commits the result.
     */
    default ir.model.Incident applyTo(ir.model.Incident incident, Payload payload) {
        throw new UnsupportedOperationException("this intake records no drills");
    }
}
