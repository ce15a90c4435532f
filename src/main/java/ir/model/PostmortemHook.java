package ir.model;

/**
 * Re-renders the post-mortem of an incident that {@code ir sync} merged from two sides, so the Markdown next to it
 * ({@code incidents/<id>.md}) tells the merged story. Called once per merged incident whose post-mortem file exists
 * after the merge; the new text goes into the sync's merge commit. The renderer (package {@code ir.render}) provides
 * the implementation; without one the post-mortem merges as a text file.
 */
@FunctionalInterface
public interface PostmortemHook {
    /**
     * @param merged  the merged incident
     * @param current the post-mortem as merged line by line, or null when that merge had conflicts
     * @return the new post-mortem text, or null to keep {@code current}
     */
    String rerender(Incident merged, String current);
}
