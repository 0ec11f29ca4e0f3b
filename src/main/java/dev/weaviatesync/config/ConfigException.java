package dev.weaviatesync.config;

/** Invalid configuration. The message always names the key that is wrong. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;
  private final String problem;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  public String key() {
    return key;
  }

  /** The message without the key. */
  public String problem() {
    return problem;
  }
}
