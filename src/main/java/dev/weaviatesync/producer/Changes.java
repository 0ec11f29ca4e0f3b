package dev.weaviatesync.producer;

import java.util.UUID;

/**
 * Entry points for building events: typed for the built-in entity types, generic for the others.
 */
public final class Changes {
  private Changes() {}

  /** An {@code ItemChanged} event for the item {@code id}. */
  public static ChangeBuilder itemChanged(UUID id) {
    return of("ItemChanged", id == null ? null : id.toString());
  }

  /** An {@code ItemChanged} event for the item {@code id} (a UUID string). */
  public static ChangeBuilder itemChanged(String id) {
    return of("ItemChanged", id);
  }

  /** A {@code TaskChanged} event for the task {@code id}. */
  public static ChangeBuilder taskChanged(UUID id) {
    return of("TaskChanged", id == null ? null : id.toString());
  }

  /** A {@code TaskChanged} event for the task {@code id} (a UUID string). */
  public static ChangeBuilder taskChanged(String id) {
    return of("TaskChanged", id);
  }

  /** An event of any configured entity type. */
  public static ChangeBuilder of(String type, String id) {
    return new ChangeBuilder(type, id);
  }
}
