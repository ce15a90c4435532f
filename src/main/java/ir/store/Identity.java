package ir.store;

import org.eclipse.jgit.lib.PersonIdent;

import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a command acts as: the author of its entries and commits, and the committer of its commits (the same person
 * unless git's environment or config says otherwise, as for {@code git commit}).
 */
record Identity(String authorName, String authorEmail, String committerName, String committerEmail) {
    private static final Pattern PERSON = Pattern.compile("^\\s*(.*?)\\s*<([^<>]*)>\\s*$");

    /** One person as author and committer, from {@code Name <email>} (or a bare name). */
    static Identity of(String person) {
        String[] ne = split(person);
        return new Identity(ne[0], ne[1], ne[0], ne[1]);
    }

    /** {@code Name <email>}, as a timeline entry records its author. */
    String author() {
        return format(authorName, authorEmail);
    }

    PersonIdent authorAt(Clock clock) {
        return new PersonIdent(authorName, authorEmail, clock.instant(), clock.getZone());
    }

    PersonIdent committerAt(Clock clock) {
        return new PersonIdent(committerName, committerEmail, clock.instant(), clock.getZone());
    }

    /** {@code person} ({@code Name <email>}) as a git identity at the time of {@code clock}. */
    static PersonIdent person(String person, Clock clock) {
        String[] ne = split(person);
        return new PersonIdent(ne[0], ne[1], clock.instant(), clock.getZone());
    }

    static String format(String name, String email) {
        return email == null || email.isBlank() ? name : name + " <" + email + ">";
    }

    private static String[] split(String person) {
        Matcher m = PERSON.matcher(person);
        String name = m.matches() ? m.group(1) : person.trim();
        String email = m.matches() ? m.group(2).trim() : "";
        return new String[] {name.isEmpty() ? email : name, email};
    }
}
