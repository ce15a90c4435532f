package ir.store;

import java.util.List;

/**
 * What {@code ir sync} did.
 *
 * @param remote          the remote (name or URL) synced with
 * @param remoteBranch    its branch
 * @param attempts        fetch-merge-push rounds (more than 1 when a push was rejected because others pushed)
 * @param fetchedNew      the remote had commits this clone did not
 * @param merged          a merge commit was made
 * @param pushed          this clone's commits were pushed
 * @param mergedIncidents incidents changed on both sides and merged semantically
 * @param held            auto-sync only: local commits ir did not make, so not pushed (0 for {@code ir sync})
 */
public record SyncResult(String remote, String remoteBranch, int attempts, boolean fetchedNew, boolean merged,
                         boolean pushed, List<String> mergedIncidents, int held) {
    public SyncResult(String remote, String remoteBranch, int attempts, boolean fetchedNew, boolean merged,
                      boolean pushed, List<String> mergedIncidents) {
        this(remote, remoteBranch, attempts, fetchedNew, merged, pushed, mergedIncidents, 0);
    }
}
