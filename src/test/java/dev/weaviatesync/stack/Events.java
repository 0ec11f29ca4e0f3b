package dev.weaviatesync.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Builds event JSON as a service would publish it (README, "Event contract"). */
public final class Events {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Events() {}

  public static String upsert(
      String type, String id, Long version, Map<String, Object> properties) {
    ObjectNode n = base(type, "UPSERT", id, version);
    n.set("properties", MAPPER.valueToTree(properties));
    return n.toString();
  }

  public static String delete(String type, String id, Long version) {
    return base(type, "DELETE", id, version).toString();
  }

  private static ObjectNode base(String type, String op, String id, Long version) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", type).put("op", op).put("id", id);
    if (version != null) {
      n.put("version", version);
    }
    n.put("occurredAt", "2026-11-29T10:15:30.123456Z");
    return n;
  }
}
