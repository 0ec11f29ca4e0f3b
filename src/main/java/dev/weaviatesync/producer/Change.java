package dev.weaviatesync.producer;

import dev.weaviatesync.event.Op;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One validated change event, ready to publish: its type, operation, id (the record key) and the
 * JSON value of the contract. Immutable. Also what a service writes to its transactional outbox:
 * {@link #key()} as the aggregate id, {@link #json()} as the payload.
 */
public final class Change {
  private final String type;
  private final Op op;
  private final String id;
  private final Long version;
  private final String json;

  Change(String type, Op op, String id, Long version, String json) {
    this.type = Objects.requireNonNull(type);
    this.op = Objects.requireNonNull(op);
    this.id = Objects.requireNonNull(id);
    this.version = version;
    this.json = Objects.requireNonNull(json);
  }

  /** The entity type, e.g. {@code ItemChanged}. */
  public String type() {
    return type;
  }

  /** {@code UPSERT} or {@code DELETE}. */
  public Op op() {
    return op;
  }

  /** The entity id (a lower-case UUID); the record key. */
  public String id() {
    return id;
  }

  /** The version, or null when the event carries none. */
  public Long version() {
    return version;
  }

  /** The record key: the id as UTF-8. */
  public byte[] key() {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /** The record value: the event as JSON text. */
  public String json() {
    return json;
  }

  @Override
  public String toString() {
    return json;
  }
}
