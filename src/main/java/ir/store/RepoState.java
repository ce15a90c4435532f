package ir.store;

import java.util.Collection;

/** Placeholder until the repository-state checks land (merge, rebase, split or sparse index, SHA-256). */
final class RepoState {
    private RepoState() {
    }

    static void check(GitRepo git, Collection<String> paths) {
    }
}
