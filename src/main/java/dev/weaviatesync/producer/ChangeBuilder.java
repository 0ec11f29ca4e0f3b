package dev.weaviatesync.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaviatesync.event.ChangeEvent;
import dev.weaviatesync.event.EventParser;
import dev.weaviatesync.event.InvalidEventException;
import dev.weaviatesync.event.Op;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds one event. Not thread-safe (build each event on one thread); the {@link Change} it makes
 * is immutable. {@link #upsert()} and {@link #delete()} validate with the worker's own parser and
 * throw {@link InvalidChangeException} naming the field when the event would be dead-lettered.
 */
public final class ChangeBuilder {
  private final String type;
  private final String id;
  private Long version;
  private OffsetDateTime occurredAt;
  private Map<String, Object> properties;
  private float[] vector;

  ChangeBuilder(String type, String id) {
    this.type = type;
    this.id = id;
  }

  /** The version of this state of the entity; must grow with every change of the id. */
  public ChangeBuilder version(long version) {
    this.version = version;
    return this;
  }

  /** When the change happened in the source (default: now). */
  public ChangeBuilder occurredAt(Instant at) {
    this.occurredAt = at == null ? null : at.atOffset(ZoneOffset.UTC);
    return this;
  }

  /** When the change happened in the source (default: now). */
  public ChangeBuilder occurredAt(OffsetDateTime at) {
    this.occurredAt = at;
    return this;
  }

  /** One property of the full state. Values: strings, numbers, booleans, lists, maps, null. */
  public ChangeBuilder property(String name, Object value) {
    if (properties == null) {
      properties = new LinkedHashMap<>();
    }
    properties.put(name, value);
    return this;
  }

  /** The full state at once (replaces properties set before). */
  public ChangeBuilder properties(Map<String, ?> all) {
    properties = all == null ? null : new LinkedHashMap<>(all);
    return this;
  }

  /** A bring-your-own vector. */
  public ChangeBuilder vector(float... vector) {
    this.vector = vector == null ? null : vector.clone();
    return this;
  }

  /**
   * The entity now has the state given by the properties (the whole object is replaced).
   *
   * @throws InvalidChangeException when the id is missing or not a UUID, no properties were given,
   *     or a value cannot be written as JSON
   */
  public Change upsert() {
    return build(Op.UPSERT);
  }

  /**
   * The entity was deleted.
   *
   * @throws InvalidChangeException when the id is missing or not a UUID
   */
  public Change delete() {
    return build(Op.DELETE);
  }

  private Change build(Op op) {
    if (type == null || type.isBlank()) {
      throw new InvalidChangeException("type", "type: is missing");
    }
    if (id == null) {
      throw new InvalidChangeException("id", "id: is missing");
    }
    ObjectNode n = EventParser.mapper().createObjectNode();
    n.put("type", type).put("op", op.name()).put("id", id);
    if (version != null) {
      n.put("version", version);
    }
    OffsetDateTime at = occurredAt != null ? occurredAt : OffsetDateTime.now(ZoneOffset.UTC);
    n.put("occurredAt", at.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    if (properties != null) {
      JsonNode props;
      try {
        props = EventParser.mapper().valueToTree(properties);
      } catch (IllegalArgumentException e) {
        throw new InvalidChangeException(
            "properties", "properties: cannot be written as JSON: " + e.getMessage());
      }
      n.set("properties", props);
    }
    if (vector != null) {
      var arr = n.putArray("vector");
      for (float f : vector) {
        arr.add(f);
      }
    }
    String json = n.toString();
    try {
      ChangeEvent e =
          new EventParser(Set.of(type)).parseValue(json.getBytes(StandardCharsets.UTF_8), type);
      return new Change(type, op, e.id(), version, json);
    } catch (InvalidEventException e) {
      throw new InvalidChangeException(e.field(), e.getMessage());
    }
  }
}
