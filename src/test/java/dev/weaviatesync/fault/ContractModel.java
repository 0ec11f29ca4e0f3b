package dev.weaviatesync.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What Weaviate must hold, computed from the records as they stand in the input topics, by the
 * README's contract alone ("Version guard", "Event contract"), not from the worker's code.
 *
 * <p>Per id, in the order of its partition (the key is the id, so one id is in one partition):
 *
 * <ul>
 *   <li>a record with a null value (tombstone) is a DELETE without a version: never stale, applied,
 *       and it inherits the highest version H known for the id;
 *   <li>a versioned event with {@code v < H} is stale; with {@code v == H} an UPSERT after a DELETE
 *       is stale, a DELETE after an UPSERT wins, a repeat of the same op changes nothing; with
 *       {@code v > H} (or no H yet) it is applied;
 *   <li>an applied UPSERT replaces the object with its {@code properties} (full state, no merge);
 *       an applied DELETE removes it.
 * </ul>
 *
 * The workload has no invalid event and nothing is dead-lettered, and deleted ids are remembered
 * far longer than the run ({@code deleted.retention.ms}, 7 days), so neither case is modelled.
 */
final class ContractModel {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The state of one id after the records seen so far. */
  static final class IdState {
    final String collection;
    Long highest;
    boolean deleted;
    JsonNode properties;

    /** Every record of the id, for the evidence when it differs: "p@offset verdict value". */
    final List<String> history = new ArrayList<>();

    IdState(String collection) {
      this.collection = collection;
    }

    String describe() {
      return (deleted ? "deleted" : "present " + properties) + " (highest version " + highest + ")";
    }
  }

  private final Map<String, IdState> ids = new HashMap<>();
  private final Map<String, Long> verdicts = new TreeMap<>();
  private long records;

  /** One record of {@code collection}'s input topic, in partition order. */
  void apply(String collection, int partition, long offset, byte[] key, byte[] value) {
    records++;
    String id = new String(key, StandardCharsets.UTF_8);
    IdState s = ids.computeIfAbsent(id, k -> new IdState(collection));
    String verdict;
    if (value == null) {
      s.deleted = true;
      s.properties = null;
      verdict = "tombstone applied";
    } else {
      JsonNode e = parse(value);
      boolean delete = "DELETE".equals(e.path("op").asText());
      Long v = e.hasNonNull("version") ? e.get("version").asLong() : null;
      if (v == null || s.highest == null || v > s.highest) {
        verdict = "applied";
      } else if (v < s.highest) {
        verdict = "stale";
      } else if (s.deleted) {
        verdict = delete ? "repeat" : "stale (upsert after delete of that version)";
      } else {
        verdict = delete ? "applied (delete after upsert of that version)" : "repeat";
      }
      if (verdict.startsWith("applied")) {
        if (v != null) {
          s.highest = v;
        }
        s.deleted = delete;
        s.properties = delete ? null : e.path("properties");
      }
    }
    verdicts.merge(verdict.replaceAll(" \\(.*", ""), 1L, Long::sum);
    s.history.add(
        partition
            + "@"
            + offset
            + " "
            + verdict
            + ": "
            + (value == null ? "null (tombstone)" : new String(value, StandardCharsets.UTF_8)));
  }

  long records() {
    return records;
  }

  Map<String, Long> verdicts() {
    return verdicts;
  }

  IdState get(String id) {
    return ids.get(id);
  }

  long present() {
    return ids.values().stream().filter(s -> !s.deleted).count();
  }

  long deleted() {
    return ids.values().stream().filter(s -> s.deleted).count();
  }

  /**
   * The differences between what Weaviate holds ({@code collection → id → properties}) and the
   * model.
   */
  Diff compare(Map<String, Map<String, JsonNode>> actual) {
    var d = new Diff();
    for (var e : ids.entrySet()) {
      IdState s = e.getValue();
      JsonNode a = actual.getOrDefault(s.collection, Map.of()).get(e.getKey());
      if (s.deleted) {
        if (a != null) {
          d.resurrected.add(e.getKey());
        }
      } else if (a == null) {
        d.missing.add(e.getKey());
      } else if (!sameProperties(s.properties, a)) {
        d.stale.add(e.getKey());
      }
    }
    actual.forEach(
        (collection, objects) ->
            objects.keySet().stream()
                .filter(id -> !ids.containsKey(id))
                .forEach(d.unexpected::add));
    return d;
  }

  /** Object by object differences; each set holds ids. */
  static final class Diff {
    final Set<String> missing = new TreeSet<>();
    final Set<String> stale = new TreeSet<>();
    final Set<String> resurrected = new TreeSet<>();
    final Set<String> unexpected = new TreeSet<>();

    int total() {
      return missing.size() + stale.size() + resurrected.size() + unexpected.size();
    }

    boolean sameAs(Diff o) {
      return o != null
          && missing.equals(o.missing)
          && stale.equals(o.stale)
          && resurrected.equals(o.resurrected)
          && unexpected.equals(o.unexpected);
    }

    @Override
    public String toString() {
      return "missing "
          + missing.size()
          + ", stale "
          + stale.size()
          + ", resurrected "
          + resurrected.size()
          + ", unexpected "
          + unexpected.size();
    }
  }

  /**
   * Full-state comparison: every property of the event with the same value, and no other property
   * (a property the latest version left out must be gone). Null and absent are the same.
   */
  static boolean sameProperties(JsonNode expected, JsonNode actual) {
    var names = new TreeSet<String>();
    expected.fieldNames().forEachRemaining(names::add);
    actual.fieldNames().forEachRemaining(names::add);
    for (String n : names) {
      JsonNode x = expected.get(n);
      JsonNode a = actual.get(n);
      boolean xAbsent = x == null || x.isNull();
      boolean aAbsent = a == null || a.isNull();
      if (xAbsent || aAbsent) {
        if (xAbsent != aAbsent) {
          return false;
        }
        continue;
      }
      if (!sameValue(x, a)) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameValue(JsonNode x, JsonNode a) {
    if (x.isNumber()) {
      return a.isNumber() && x.doubleValue() == a.doubleValue();
    }
    if (x.isArray()) {
      if (!a.isArray() || a.size() != x.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameValue(x.get(i), a.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (x.isBoolean()) {
      return a.isBoolean() && a.booleanValue() == x.booleanValue();
    }
    return x.isValueNode() && a.isValueNode() && x.asText().equals(a.asText());
  }

  private static JsonNode parse(byte[] value) {
    try {
      return MAPPER.readTree(value);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "the workload published a record that is not JSON: "
              + new String(value, StandardCharsets.UTF_8),
          e);
    }
  }
}
