package dev.weaviatesync;

/** Shortening text for messages, logs and the CLI's one-line output. */
public final class Text {
  private Text() {}

  /**
   * {@code s} when it has at most {@code max} characters, else its first {@code max - 3} followed
   * by "...".
   */
  public static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
