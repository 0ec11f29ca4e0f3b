package dev.weaviatesync.dlq;

import java.time.Instant;
import java.util.Locale;

/**
 * Which dead-letter records a command applies to. Null fields match everything. {@code exception}
 * matches the full class name or its simple name; all of them ignore case.
 */
public record DlqFilter(
    Instant since, Instant until, String category, String exception, String type, String id) {

  public boolean matches(DlqRecord r) {
    if (since != null && r.failedAt().isBefore(since)) {
      return false;
    }
    if (until != null && !r.failedAt().isBefore(until)) {
      return false;
    }
    if (category != null && !category.equalsIgnoreCase(String.valueOf(r.category()))) {
      return false;
    }
    if (exception != null
        && !(exception.equalsIgnoreCase(String.valueOf(r.exception()))
            || exception.equalsIgnoreCase(String.valueOf(r.exceptionSimpleName())))) {
      return false;
    }
    if (type != null && !type.equalsIgnoreCase(String.valueOf(r.type()))) {
      return false;
    }
    return id == null
        || r.id() != null && id.toLowerCase(Locale.ROOT).equals(r.id().toLowerCase(Locale.ROOT));
  }
}
