package ir.term;

import ir.model.Incident;
import ir.store.IncidentStore;

import java.util.Set;
import java.util.TreeSet;

/** The people already seen in a workspace — entry authors, role holders, action owners — for completion. */
final class People {
    private People() {
    }

    static Set<String> seen(IncidentStore store) {
        Set<String> people = new TreeSet<>();
        for (Incident i : store.loadAll(w -> { })) {
            add(people, i);
        }
        people.add(store.author());
        return people;
    }

    static void add(Set<String> people, Incident i) {
        i.timeline().forEach(e -> add(people, e.author()));
        i.roles().values().forEach(holders -> holders.forEach(p -> add(people, p)));
        i.actions().forEach(a -> add(people, a.owner()));
    }

    private static void add(Set<String> people, String p) {
        if (p != null && !p.isBlank()) {
            people.add(p.strip());
        }
    }
}
