package dev.weaviatesync.convergence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Compares the properties and vector of an event (the source of truth) with the object Weaviate
 * holds, as Weaviate would have stored the event: a null property is no property, numbers compare
 * by value (an int and the same number are equal), dates by instant (Weaviate may write another
 * offset), UUIDs ignoring case. The result names what differs but never a value: properties can be
 * personal data.
 */
public final class ObjectComparison {
  private ObjectComparison() {}

  /**
   * @param sourceProperties the event's properties
   * @param sourceVector the event's vector, or null when it brought none (Weaviate's own, or a
   *     vectorizer's, is then not compared)
   * @return null when Weaviate holds what the event says, else what differs
   */
  public static String difference(
      JsonNode sourceProperties, float[] sourceVector, ObjectSource.Obj object) {
    var source = byWeaviateName(sourceProperties);
    var held = byWeaviateName(object.properties());
    var names = new TreeSet<String>();
    names.addAll(source.keySet());
    names.addAll(held.keySet());
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      JsonNode a = source.get(name);
      JsonNode b = held.get(name);
      if (!same(a, b)) {
        differing.add(name);
      }
    }
    String vector = sourceVector == null ? null : vectorDifference(sourceVector, object.vectors());
    if (differing.isEmpty() && vector == null) {
      return null;
    }
    var why = new StringBuilder();
    if (!differing.isEmpty()) {
      why.append(differing.size() == 1 ? "property " : "properties ")
          .append(String.join(", ", differing.subList(0, Math.min(5, differing.size()))))
          .append(differing.size() > 5 ? " and " + (differing.size() - 5) + " more" : "")
          .append(differing.size() == 1 ? " differs" : " differ");
    }
    if (vector != null) {
      why.append(why.length() > 0 ? "; " : "").append(vector);
    }
    return why.toString();
  }

  private static String vectorDifference(float[] source, JsonNode vectors) {
    JsonNode v = null;
    if (vectors != null && vectors.isObject()) {
      v = vectors.has("default") ? vectors.get("default") : vectors.elements().next();
    }
    if (v == null || !v.isArray()) {
      return "vector missing in Weaviate";
    }
    if (v.size() != source.length) {
      return "vector has " + v.size() + " dimensions in Weaviate, " + source.length + " in source";
    }
    for (int i = 0; i < source.length; i++) {
      if (Math.abs(v.get(i).floatValue() - source[i]) > 1e-6f * Math.max(1f, Math.abs(source[i]))) {
        return "vector differs";
      }
    }
    return null;
  }

  /**
   * Properties by the name Weaviate stores them under: it lower-cases the first letter ({@code
   * Title} becomes {@code title}).
   */
  private static java.util.Map<String, JsonNode> byWeaviateName(JsonNode properties) {
    var out = new java.util.LinkedHashMap<String, JsonNode>();
    if (properties != null && properties.isObject()) {
      properties
          .properties()
          .forEach(e -> out.merge(weaviateName(e.getKey()), e.getValue(), (x, y) -> x));
    }
    return out;
  }

  static String weaviateName(String name) {
    return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  static boolean same(JsonNode a, JsonNode b) {
    boolean aAbsent = absent(a);
    boolean bAbsent = absent(b);
    if (aAbsent || bAbsent) {
      return aAbsent && bAbsent;
    }
    if (a.isNumber() && b.isNumber()) {
      // Exactly: Weaviate keeps a number as the double the event's number parses to, so any
      // tolerance would only hide edits (one second on a microsecond timestamp).
      return a.doubleValue() == b.doubleValue();
    }
    if (a.isTextual() && b.isTextual()) {
      return sameText(a.textValue(), b.textValue());
    }
    if (a.isBoolean() && b.isBoolean()) {
      return a.booleanValue() == b.booleanValue();
    }
    if (a.isArray() && b.isArray()) {
      Iterator<JsonNode> x = present(a).iterator();
      Iterator<JsonNode> y = present(b).iterator();
      while (x.hasNext() && y.hasNext()) {
        if (!same(x.next(), y.next())) {
          return false;
        }
      }
      return !x.hasNext() && !y.hasNext();
    }
    if (a.isObject() && b.isObject()) {
      var x = byWeaviateName(a);
      var y = byWeaviateName(b);
      var names = new TreeSet<String>(x.keySet());
      names.addAll(y.keySet());
      return names.stream().allMatch(n -> same(x.get(n), y.get(n)));
    }
    return false;
  }

  private static List<JsonNode> present(JsonNode array) {
    var out = new ArrayList<JsonNode>();
    array.forEach(
        n -> {
          if (!absent(n)) {
            out.add(n);
          }
        });
    return out;
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode();
  }

  private static boolean sameText(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    if (a.length() == 36 && b.length() == 36) {
      try {
        return UUID.fromString(a).equals(UUID.fromString(b));
      } catch (IllegalArgumentException e) {
        // not UUIDs
      }
    }
    try {
      return OffsetDateTime.parse(a).toInstant().equals(OffsetDateTime.parse(b).toInstant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
