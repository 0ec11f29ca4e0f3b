package dev.weaviatesync.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON properties → the plain Java values the Weaviate client marshals (nulls are left out). */
public final class PropertyValues {
  private PropertyValues() {}

  public static Map<String, Object> toMap(ObjectNode node) {
    var map = new LinkedHashMap<String, Object>();
    node.properties()
        .forEach(
            e -> {
              Object v = value(e.getValue());
              if (v != null) {
                map.put(e.getKey(), v);
              }
            });
    return map;
  }

  private static Object value(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>(n.size());
      n.forEach(
          x -> {
            Object v = value(x);
            if (v != null) {
              list.add(v);
            }
          });
      return list;
    }
    if (n.isObject()) {
      return toMap((ObjectNode) n);
    }
    return n.asText();
  }
}
