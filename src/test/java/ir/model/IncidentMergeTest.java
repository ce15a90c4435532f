package ir.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IncidentMergeTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static TimelineEvent event(String id, int minute, String type, String text, Map<String, Object> attrs) {
        return new TimelineEvent(id, T0.plusSeconds(60L * minute), "Alice <a@example.com>", type, text, false, attrs);
    }

    private static TimelineEvent note(String id, int minute) {
        return event(id, minute, TimelineEvent.NOTE, "note " + id, Map.of());
    }

    private static Incident base() {
        return Incident.declare("2026-11-28-db", "Database down", "SEV-3", "investigating", false, T0,
                event("declared0001", 0, TimelineEvent.DECLARED, "declared", Map.of()));
    }

    private static Incident severity(Incident i, String id, int minute, String to) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("from", i.severity());
        attrs.put("to", to);
        return i.withSeverity(to).withEvent(event(id, minute, TimelineEvent.SEVERITY, "severity", attrs));
    }

    private static Incident role(Incident i, String id, int minute, String role, String person) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("role", role);
        attrs.put("to", person);
        return i.withRole(role, List.of(person)).withEvent(event(id, minute, TimelineEvent.ROLE, "role", attrs));
    }

    private static IncidentMerge.Result both(Incident b, Incident o, Incident t) {
        IncidentMerge.Result r = IncidentMerge.merge(b, o, t);
        IncidentMerge.Result swapped = IncidentMerge.merge(b, t, o);
        assertThat(swapped.incident()).as("the merge is symmetric").isEqualTo(r.incident());
        assertThat(swapped.incident().timeline()).containsExactlyElementsOf(r.incident().timeline());
        return r;
    }

    @Test
    void eventsFromBothSidesAreUnitedInTimeOrder() {
        Incident b = base().withEvent(note("n1", 1));
        Incident o = b.withEvent(note("ours2", 3)).withEvent(note("ours1", 2));
        Incident t = b.withEvent(note("theirs", 2)).withEvent(note("late", 9));
        Incident m = both(b, o, t).incident();
        assertThat(m.timeline()).extracting(TimelineEvent::id)
                .containsExactly("declared0001", "n1", "ours1", "theirs", "ours2", "late");
    }

    @Test
    void aFieldChangedOnOneSideTakesThatChange() {
        Incident b = base();
        Incident o = severity(b, "s1", 5, "SEV-1");
        Incident t = b.withEvent(note("n", 6)).withText(TextField.SUMMARY, "db primary lost");
        IncidentMerge.Result r = both(b, o, t);
        assertThat(r.incident().severity()).isEqualTo("SEV-1");
        assertThat(r.incident().text(TextField.SUMMARY)).isEqualTo("db primary lost");
        assertThat(r.incident().timeline()).noneMatch(e -> e.type().equals(TimelineEvent.MERGE));
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void severityChangedOnBothSidesKeepsTheMoreSevereAndRecordsTheLoser() {
        Incident b = base();
        Incident o = severity(b, "s1", 5, "SEV-2");
        Incident t = severity(b, "s2", 7, "SEV-4");
        Instant mergedAt = T0.plusSeconds(3600);
        IncidentMerge.Context context = new IncidentMerge.Context(IncidentMerge.Context.DEFAULT_SEVERITIES, mergedAt);
        IncidentMerge.Result r = IncidentMerge.merge(b, o, t, context);
        assertThat(IncidentMerge.merge(b, t, o, context).incident()).as("symmetric").isEqualTo(r.incident());
        Incident m = r.incident();
        assertThat(m.severity()).as("the later change was a downgrade: the more severe value wins").isEqualTo("SEV-2");
        TimelineEvent merge = m.timeline().stream().filter(e -> e.type().equals(TimelineEvent.MERGE)).findFirst()
                .orElseThrow();
        assertThat(merge.attr("field")).isEqualTo("severity");
        assertThat(merge.attr("kept")).isEqualTo("SEV-2");
        assertThat(merge.attr("lost")).isEqualTo("SEV-4");
        assertThat(merge.text()).contains("more severe");
        assertThat(merge.at()).as("dated at the merge, not at the last event").isEqualTo(mergedAt);
        assertThat(m.sortedTimeline()).last().isEqualTo(merge);
    }

    @Test
    void twoClonesMergingTheSameChangesAtDifferentTimesMakeOneMergeEvent() {
        Incident b = base();
        Incident o = severity(b, "s1", 5, "SEV-1");
        Incident t = severity(b, "s2", 7, "SEV-2");
        List<String> order = IncidentMerge.Context.DEFAULT_SEVERITIES;
        Incident inA = IncidentMerge.merge(b, o, t, new IncidentMerge.Context(order, T0.plusSeconds(600))).incident();
        Incident inB = IncidentMerge.merge(b, t, o, new IncidentMerge.Context(order, T0.plusSeconds(900))).incident();
        Incident both = IncidentMerge.merge(b, inA, inB, new IncidentMerge.Context(order, T0.plusSeconds(1200)))
                .incident();
        assertThat(both.timeline()).filteredOn(e -> e.type().equals(TimelineEvent.MERGE)).singleElement()
                .satisfies(e -> assertThat(e.at()).isIn(T0.plusSeconds(600), T0.plusSeconds(900)));
        assertThat(IncidentMerge.merge(b, inB, inA, new IncidentMerge.Context(order, T0.plusSeconds(1500)))
                .incident()).isEqualTo(both);
    }

    @Test
    void severityRanksFollowTheWorkspaceOrder() {
        Incident b = base().withSeverity("minor");
        Incident o = severity(b, "s1", 9, "major");
        Incident t = severity(b, "s2", 5, "critical");
        IncidentMerge.Context context = new IncidentMerge.Context(List.of("critical", "major", "minor"),
                T0.plusSeconds(600));
        assertThat(IncidentMerge.merge(b, o, t, context).incident().severity()).isEqualTo("critical");
        assertThat(IncidentMerge.merge(b, t, o, context).incident().severity()).isEqualTo("critical");
        // levels the order does not know fall back to the later change
        IncidentMerge.Context unknown = new IncidentMerge.Context(List.of("SEV-1"), T0.plusSeconds(600));
        assertThat(IncidentMerge.merge(b, o, t, unknown).incident().severity()).isEqualTo("major");
    }

    @Test
    void everyMergeEventIsDatedAtTheMergeClockToTheSecond() {
        Incident b = base();
        Incident o = b.withTitle("Database down hard").withEvent(note("x", 3))
                .withText(TextField.SUMMARY, "primary lost");
        Incident t = b.withTitle("DB outage").withEvent(note("y", 4)).withText(TextField.SUMMARY, "replica lag");
        Instant mergedAt = Instant.parse("2026-11-29T08:15:30.250Z");
        Incident m = IncidentMerge.merge(b, o, t, new IncidentMerge.Context(List.of("SEV-3"), mergedAt)).incident();
        assertThat(m.timeline()).filteredOn(e -> e.type().equals(TimelineEvent.MERGE)).hasSize(2)
                .allSatisfy(e -> assertThat(e.at()).isEqualTo(Instant.parse("2026-11-29T08:15:30Z")));
    }

    @Test
    void rolesMergePerRoleAndTheLaterHandOffWins() {
        Incident b = role(base(), "r0", 1, "commander", "Alice");
        Incident o = role(role(b, "r1", 4, "commander", "Bob"), "r2", 4, "scribe", "Sam");
        Incident t = role(role(b, "r3", 6, "commander", "Carol"), "r4", 6, "deputy", "Dan");
        Incident m = both(b, o, t).incident();
        assertThat(m.roles()).containsEntry("commander", List.of("Carol")).containsEntry("scribe", List.of("Sam"))
                .containsEntry("deputy", List.of("Dan"));
        assertThat(m.timeline()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(TimelineEvent.MERGE);
            assertThat(e.attr("field")).isEqualTo("roles.commander");
            assertThat(e.attr("lost")).isEqualTo("Bob");
        });
    }

    @Test
    void equalTimesAreBrokenByValueSoBothClonesAgree() {
        Incident b = base();
        Incident o = b.withTitle("Database down hard").withEvent(note("x", 3));
        Incident t = b.withTitle("DB outage").withEvent(note("y", 3));
        Incident m = both(b, o, t).incident();
        assertThat(m.title()).isIn("Database down hard", "DB outage");
        assertThat(m.timeline()).filteredOn(e -> e.type().equals(TimelineEvent.MERGE)).hasSize(1);
    }

    @Test
    void listFieldsKeepTheAdditionsOfBothSides() {
        Incident b = base().withList(ListField.TAGS, List.of("db"));
        Incident o = b.withList(ListField.TAGS, List.of("db", "postgres"));
        Incident t = b.withList(ListField.TAGS, List.of("db", "checkout"));
        assertThat(both(b, o, t).incident().list(ListField.TAGS)).containsExactly("db", "checkout", "postgres");
    }

    @Test
    void anEventDeletedOnOneSideAndUntouchedOnTheOtherStaysDeleted() {
        Incident b = base().withEvent(note("typo", 1));
        Incident o = b.withTimeline(List.of(b.timeline().get(0))).withEvent(note("o", 2));
        Incident t = b.withEvent(note("t", 3));
        assertThat(both(b, o, t).incident().timeline()).extracting(TimelineEvent::id)
                .containsExactly("declared0001", "o", "t");
    }

    @Test
    void anActionItemChangedOnBothSidesKeepsTheLaterChange() {
        ActionItem a = new ActionItem("a1", "add replica", "prevent", null, null, "open", null, Map.of());
        Incident b = base().withActions(List.of(a));
        Incident o = b.withActions(List.of(a.withStatus("done")))
                .withEvent(event("e1", 8, TimelineEvent.ACTION_ITEM, "done", Map.of("action", "a1")));
        Incident t = b.withActions(List.of(new ActionItem("a1", "add two replicas", "prevent", null, null, "open",
                null, Map.of()), new ActionItem("a2", "alert on lag", "prevent", null, null, "open", null, Map.of())))
                .withEvent(event("e2", 4, TimelineEvent.ACTION_ITEM, "edit", Map.of("action", "a1")));
        Incident m = both(b, o, t).incident();
        assertThat(m.actions()).extracting(ActionItem::id).containsExactlyInAnyOrder("a1", "a2");
        assertThat(m.actions()).filteredOn(x -> x.id().equals("a1")).singleElement()
                .satisfies(x -> assertThat(x.status()).isEqualTo("done"));
        assertThat(m.timeline()).anyMatch(e -> e.type().equals(TimelineEvent.MERGE)
                && "actions.a1".equals(e.attr("field")));
    }

    private static Incident addAction(Incident i, String actionId, Integer addedMinute, String eventId, int minute) {
        List<ActionItem> next = new java.util.ArrayList<>(i.actions());
        next.add(new ActionItem(actionId, "item " + actionId, "prevent", null, null, "open", null, null,
                addedMinute == null ? null : T0.plusSeconds(60L * addedMinute), null, Map.of()));
        return i.withActions(next).withEvent(event(eventId, minute, TimelineEvent.ACTION_ITEM, "Action item",
                Map.of("action", actionId, "status", "open")));
    }

    @Test
    void actionItemsAddedInTwoClonesComeOutInTheOrderTheyWereAddedOnBothSides() {
        Incident b = addAction(base(), "a0", 1, "e01", 1);
        // two items added in one second: ids in the reverse order of adding, the adding events in adding order
        Incident o = addAction(addAction(b, "zz1", 5, "e05a", 5), "aa2", 5, "e05b", 5);
        // and, on the other side, one earlier and one written before added_at existed (placed by its event)
        Incident t = addAction(addAction(b, "mm3", 3, "e03", 3), "old4", null, "e04", 4);
        Incident m = both(b, o, t).incident();
        assertThat(m.actions()).extracting(ActionItem::id).containsExactly("a0", "mm3", "old4", "zz1", "aa2");
        // the merged order is stable: merging it again with either side changes nothing
        assertThat(both(o, m, o).incident().actions()).isEqualTo(m.actions());
        assertThat(ActionItem.ordered(m.actions(), m.timeline())).isEqualTo(m.actions());
    }

    @Test
    void theSameIdDeclaredTwiceBecomesOneIncidentWithBothDeclarationsAndAWarning() {
        Incident o = Incident.declare("2026-11-28-db", "Database down", "SEV-2", "investigating", false, T0,
                event("declaredAAAA", 0, TimelineEvent.DECLARED, "declared", Map.of()));
        Incident t = Incident.declare("2026-11-28-db", "Database slow", "SEV-3", "investigating", false,
                T0.plusSeconds(120), event("declaredBBBB", 2, TimelineEvent.DECLARED, "declared", Map.of()));
        IncidentMerge.Result r = both(null, o, t);
        assertThat(r.incident().timeline()).extracting(TimelineEvent::id).contains("declaredAAAA", "declaredBBBB");
        assertThat(r.incident().title()).isEqualTo("Database slow");
        assertThat(r.incident().timeline()).anyMatch(e -> "title".equals(e.attr("field"))
                && "Database down".equals(e.attr("lost")));
        assertThat(r.warnings()).singleElement().asString().contains("declared in two clones");
    }

    @Test
    void mergeEventsAreTheSameWhicheverCloneComputesThem() {
        Incident b = base();
        Incident o = severity(b, "s1", 5, "SEV-1");
        Incident t = severity(b, "s2", 7, "SEV-2");
        Incident once = IncidentMerge.merge(b, o, t).incident();
        // a third clone that merged the same two changes makes an identical merge event: merging the two results
        // unites them rather than duplicating it
        Incident again = IncidentMerge.merge(b, t, o).incident();
        assertThat(IncidentMerge.merge(b, once, again).incident()).isEqualTo(once);
    }

    @Test
    void oneAlertGroupOpeningTheSameIncidentInTwoClonesIsOneOpeningAtTheEarlierReceipt() {
        // Two receivers got the same notification a second apart: the same declaration (its id derived from the
        // group), received at two times. Not a conflict: opened and detected at the first receipt, no warning.
        Instant first = T0;
        Instant second = T0.plusSeconds(1);
        Incident o = Incident.declare("2026-11-28-db", "Database down", "SEV-2", "investigating", false, second,
                new TimelineEvent("dgroup", second, "ir intake", TimelineEvent.DECLARED, "declared", false, Map.of()))
                .withTime(Milestone.DETECTED, second).withEvent(note("alert1", -1));
        Incident t = Incident.declare("2026-11-28-db", "Database down", "SEV-2", "investigating", false, first,
                new TimelineEvent("dgroup", first, "ir intake", TimelineEvent.DECLARED, "declared", false, Map.of()))
                .withTime(Milestone.DETECTED, first).withEvent(note("alert1", -1));
        IncidentMerge.Result r = both(null, o, t);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.incident().time(Milestone.OPENED)).isEqualTo(first);
        assertThat(r.incident().time(Milestone.DETECTED)).isEqualTo(first);
        assertThat(r.incident().timeline()).noneMatch(e -> e.type().equals(TimelineEvent.MERGE));
        assertThat(r.incident().timeline()).extracting(TimelineEvent::id).containsExactly("alert1", "dgroup");
        assertThat(r.incident().timeline().get(1).at()).isEqualTo(first);
    }
}
