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
}
