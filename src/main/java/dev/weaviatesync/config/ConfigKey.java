package dev.weaviatesync.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key: its name in a properties file, its environment variable, its default,
 * what it means, and whether its value is a secret that must never be printed.
 */
public record ConfigKey(String name, String defaultValue, String description, boolean secret) {

  /** Prefix of the environment variables that set application keys. */
  public static final String ENV_PREFIX = "WEAVIATE_SYNC_";

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
  }

  static ConfigKey of(String name, String defaultValue, String description) {
    return new ConfigKey(name, defaultValue, description, false);
  }

  static ConfigKey secret(String name, String description) {
    return new ConfigKey(name, null, description, true);
  }

  /** {@code flush.max.records} → {@code WEAVIATE_SYNC_FLUSH_MAX_RECORDS}; {@code kafka.x.y} → {@code KAFKA_X_Y}. */
  public String envName() {
    return toEnvName(name);
  }

  static String toEnvName(String key) {
    if (key.startsWith("kafka.")) {
      return "KAFKA_" + key.substring("kafka.".length()).replace('.', '_').toUpperCase(Locale.ROOT);
    }
    return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
