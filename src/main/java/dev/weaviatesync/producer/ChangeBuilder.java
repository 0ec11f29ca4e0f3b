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
      } catch (StackOverflowError e) {
        throw new InvalidChangeException(
            "properties", "properties: nested too deeply, or a value contains itself");
      }
      String notFinite = nonFinite(props, "properties");
      if (notFinite != null) {
        // Jackson would write NaN and Infinity as the strings "NaN" and "Infinity": a number would
        // silently become text in Weaviate.
        throw new InvalidChangeException(
            "properties", notFinite + " is not a finite number, which JSON cannot carry");
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
    byte[] bytes;
    try {
      // Strict: String.getBytes would turn an unpaired surrogate into '?' without a word.
      var buffer =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(json));
      bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new InvalidChangeException(
          "properties",
          "properties: a string holds an unpaired UTF-16 surrogate (not Unicode text)");
    }
    try {
      ChangeEvent e = new EventParser(Set.of(type)).parseValue(bytes, type);
      return new Change(type, op, e.id(), version, json);
    } catch (InvalidEventException e) {
      throw new InvalidChangeException(e.field(), e.getMessage());
    }
  }

  /** The path of the first NaN or infinite number in {@code node}, or null. */
  private static String nonFinite(JsonNode node, String path) {
    if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      return path;
    }
    if (node.isObject()) {
      for (var e : node.properties()) {
        String found = nonFinite(e.getValue(), path + "." + e.getKey());
        if (found != null) {
          return found;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = nonFinite(node.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
