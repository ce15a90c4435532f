package ir.model;

/** Responders are written {@code Name <email>}; this reads the parts people want to see. */
public final class Person {
    private Person() {
    }

    /** {@code Alice <alice@example.com>} is {@code Alice}; a bare email or name is kept as it is. */
    public static String name(String person) {
        if (person == null) {
            return "";
        }
        int lt = person.indexOf('<');
        String name = lt > 0 ? person.substring(0, lt).strip() : person.strip();
        return name.isEmpty() ? person.strip() : name;
    }

    /**
     * What is wrong with {@code person} as an identity to commit as ({@code --as}, {@code IR_AUTHOR}), or null when it
     * is a well-formed {@code Name <email>}: a name that is not empty, then one email inside {@code <>} at the end, no
     * other {@code <} or {@code >}, and no control characters (git would drop or refuse them).
     */
    public static String problem(String person) {
        if (person == null || person.isBlank()) {
            return "is empty";
        }
        for (int i = 0; i < person.length(); i++) {
            if (Character.isISOControl(person.charAt(i))) {
                return "has a control character";
            }
        }
        String s = person.strip();
        int lt = s.indexOf('<');
        int gt = s.indexOf('>');
        if (lt < 0 && gt < 0) {
            return s.indexOf('@') >= 0 ? "has its email outside <> or no name" : "has no email inside <>";
        }
        if (lt < 0 || gt < lt || s.indexOf('<', lt + 1) >= 0 || s.indexOf('>', gt + 1) >= 0) {
            return "has a stray < or >";
        }
        if (gt != s.length() - 1) {
            return "has text after the email";
        }
        if (s.substring(0, lt).isBlank()) {
            return "has no name before the email";
        }
        String email = s.substring(lt + 1, gt).strip();
        if (email.isEmpty()) {
            return "has no email inside <>";
        }
        if (email.chars().anyMatch(Character::isWhitespace)) {
            return "has a space in the email";
        }
        return null;
    }

    /**
     * Whether {@code person}, though not {@code Name <email>}, is still usable as an identity: a plain name
     * ({@code Ada}) or a bare address ({@code ada@example.com}), with no {@code <} or {@code >} and no control
     * characters. ir accepts it with a warning rather than refuse to log during an incident; a broken attempt at
     * {@code Name <email>} ({@code Ada <ada@example.com}) is still refused, as it is most likely a typo.
     */
    public static boolean informal(String person) {
        if (person == null || person.isBlank()) {
            return false;
        }
        for (int i = 0; i < person.length(); i++) {
            char c = person.charAt(i);
            if (Character.isISOControl(c) || c == '<' || c == '>') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code [name, email]} of an {@link #informal} identity, as git writes it: a bare address is the email with its
     * local part as the name; a plain name has no email (an empty one, {@code Ada <>}, as git allows).
     */
    public static String[] informalParts(String person) {
        String s = person.strip().replaceAll("\\s+", " ");
        int at = s.indexOf('@');
        if (at > 0 && at < s.length() - 1 && s.indexOf(' ') < 0) {
            return new String[] {s.substring(0, at), s};
        }
        return new String[] {s, ""};
    }

    /** {@code [name, email]} of a {@code person} that has no {@link #problem}. */
    public static String[] parts(String person) {
        String s = person.strip();
        int lt = s.indexOf('<');
        return new String[] {s.substring(0, lt).strip(), s.substring(lt + 1, s.length() - 1).strip()};
    }
}
