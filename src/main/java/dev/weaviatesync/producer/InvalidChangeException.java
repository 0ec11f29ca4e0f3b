package dev.weaviatesync.producer;

/** An event that breaks the contract; nothing was sent. {@link #field()} names what is wrong. */
public final class InvalidChangeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String field;

  /**
   * @param field the offending field, or null when the event as a whole is wrong
   * @param message what is wrong, starting with the field
   */
  public InvalidChangeException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field ({@code id}, {@code type}, {@code properties}, ...), or null. */
  public String field() {
    return field;
  }
}
