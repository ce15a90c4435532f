package ir.model;

/**
 * The result of one mutation: the new incident and what the commit says about it. {@code summary} becomes the commit
 * message's first line after {@code <id>: }; {@code eventType} its {@code Ir-Event} trailer.
 */
public record Change(Incident incident, String summary, String eventType) {
}
