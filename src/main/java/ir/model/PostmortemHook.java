package ir.model;

/**
 * Re-renders the post-mortem of an incident that {@code ir sync} merged from two sides, so the Markdown next to it
 * ({@code incidents/<id>.md}) tells the merged story. Called once per merged incident whose post-mortem file exists
 * after the merge; the new text and the incident (which records the render) go into the sync's merge commit. The
 * renderer (package {@code ir.render}) provides the implementation; without one the post-mortem merges as text.
 */
@FunctionalInterface
public interface PostmortemHook {
    /** One side of the merge: its incident and its post-mortem bytes (null when that side has none). */
    record Side(Incident incident, byte[] markdown) {
    }

    /** The merged incident with the render recorded in it, and the new post-mortem. */
    record Rerendered(Incident incident, byte[] markdown) {
    }

    /**
     * @param merged the merged incident
     * @param ours   our side before the merge
     * @param theirs their side before the merge
     * @return the re-rendered post-mortem, or null to keep the text merge (e.g. a side was edited by hand)
     */
    Rerendered rerender(Incident merged, Side ours, Side theirs);
}
