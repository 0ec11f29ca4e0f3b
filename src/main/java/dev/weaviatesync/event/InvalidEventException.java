package dev.weaviatesync.event;

/** A record that breaks the event contract. The message says which field and why. */
public final class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidEventException(String field, String reason) {
    super(field == null ? reason : field + ": " + reason);
    this.field = field;
  }

  /** The offending field, or null when the record as a whole is wrong. */
  public String field() {
    return field;
  }
}
