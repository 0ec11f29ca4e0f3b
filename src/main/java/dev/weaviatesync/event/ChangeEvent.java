package dev.weaviatesync.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * A validated event of the contract (README, "Event contract"). {@code version} is null when the
 * producer sent none; {@code properties} is null for deletes; {@code vector} is null unless brought
 * by the producer; {@code occurredAt} is null for tombstones, and for the few timestamps that the
 * contract's pattern admits but no OffsetDateTime holds: an offset beyond +-18:00 ("+19:00"), more
 * than nine digits of fraction (EventParserFuzzTest).
 */
public record ChangeEvent(
    String type,
    Op op,
    String id,
    Long version,
    OffsetDateTime occurredAt,
    ObjectNode properties,
    float[] vector) {

  public ChangeEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(id, "id");
  }

  public boolean isDelete() {
    return op == Op.DELETE;
  }
}
