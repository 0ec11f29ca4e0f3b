package dev.weaviatesync.config;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/**
 * A {@link ConfigDef.Validator} that says what it allows: {@link #toString()} is the "allowed"
 * column of {@code run --help} and the README, and the same words are in the error. It throws our
 * {@link ConfigException} ("key: must be ..., not 'value'"), which {@link ConfigDef#parse} lets
 * through unchanged. A null value (no value and a null default) is always allowed.
 */
final class Allowed implements ConfigDef.Validator {
  private final String description;
  private final Function<Object, String> problem;

  private Allowed(String description, Function<Object, String> problem) {
    this.description = description;
    this.problem = problem;
  }

  /** Values for which {@code ok} holds; anything else is "must be {description}, not {value}". */
  static Allowed when(String description, Predicate<Object> ok) {
    return new Allowed(
        description, v -> ok.test(v) ? null : "must be " + description + ", not " + shown(v));
  }

  /** Values for which {@code problem} returns null; otherwise its answer is the error. */
  static Allowed by(String description, Function<Object, String> problem) {
    return new Allowed(description, problem);
  }

  static Allowed oneOf(String... values) {
    List<String> allowed = List.of(values);
    return when(String.join(" or ", allowed), v -> allowed.contains(v));
  }

  static Allowed notEmpty() {
    return by("not empty", v -> v.toString().isBlank() ? "must not be empty" : null);
  }

  static Allowed positive() {
    return when("positive", v -> ((Number) v).longValue() > 0);
  }

  static Allowed between(long min, long max, String description) {
    return when(
        description, v -> ((Number) v).longValue() >= min && ((Number) v).longValue() <= max);
  }

  @Override
  public void ensureValid(String name, Object value) {
    if (value == null) {
      return;
    }
    String p = problem.apply(value);
    if (p != null) {
      throw new ConfigException(name, p);
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /**
   * A value as it appears in an error: strings and lists quoted, numbers as they are, secrets
   * never.
   */
  static String shown(Object v) {
    if (v instanceof Password) {
      return "********";
    }
    if (v instanceof Collection<?> c) {
      return "'" + String.join(",", c.stream().map(String::valueOf).toList()) + "'";
    }
    return v instanceof String ? "'" + v + "'" : String.valueOf(v);
  }
}
