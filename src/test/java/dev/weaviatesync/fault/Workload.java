package dev.weaviatesync.fault;

import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The fault suite's events: items and tasks over a few thousand ids (some of them hot), with every
 * case of the contract a real producer side shows.
 *
 * <ul>
 *   <li>{@code upsert}: the next version, sometimes with a gap, sometimes leaving properties out
 *       (the object is replaced, not merged);
 *   <li>{@code delete}: a versioned DELETE of the next version; {@code delete-same-version}: a
 *       DELETE carrying the version of the latest UPSERT (wins);
 *   <li>{@code tombstone}: null value, key = the canonical lower-case id;
 *   <li>{@code reordered}: two new versions published newer first, so the older one arrives late;
 *       {@code late}: an older version published again long after (an outbox relay catching up, a
 *       replay), with other content; both must be dropped;
 *   <li>{@code duplicate}: the id's previous record sent again byte for byte (tombstones included).
 * </ul>
 *
 * One in ten events spells the id in upper case in its {@code id} field (the key stays canonical).
 * The generator does not decide what the outcome is: {@link ContractModel} does, from the topics.
 */
final class Workload {
  /** One record to publish; {@code value} null for a tombstone. */
  record Event(String topic, String key, String value, String kind) {}

  private static final class IdState {
    long max;
    String lastValue;
    boolean any;
  }

  final List<Event> events = new ArrayList<>();
  final Map<String, Integer> kinds = new TreeMap<>();
  final int itemIds;
  final int taskIds;

  Workload(Scenario s, int count, int itemIds, int taskIds, Random rnd) {
    this.itemIds = itemIds;
    this.taskIds = taskIds;
    List<String> items = ids(rnd, itemIds);
    List<String> tasks = ids(rnd, taskIds);
    var state = new HashMap<String, IdState>();
    while (events.size() < count) {
      boolean item = rnd.nextInt(5) != 0;
      List<String> pool = item ? items : tasks;
      // 30 % of the events go to 5 % of the ids: those see many versions between two flushes.
      String id =
          rnd.nextInt(10) < 3
              ? pool.get(rnd.nextInt(Math.max(1, pool.size() / 20)))
              : pool.get(rnd.nextInt(pool.size()));
      String topic = item ? s.itemTopic : s.taskTopic;
      String type = item ? s.itemType : s.taskType;
      IdState x = state.computeIfAbsent(id, k -> new IdState());
      int r = rnd.nextInt(100);
      if (!x.any || r < 50) {
        long v = x.max + 1 + (rnd.nextInt(5) == 0 ? rnd.nextInt(3) : 0);
        add(x, topic, id, upsert(type, id, v, item, false, rnd), "upsert");
        x.max = v;
      } else if (r < 57) {
        x.max++;
        add(x, topic, id, Events.delete(type, spell(id, rnd), x.max), "delete");
      } else if (r < 60) {
        add(x, topic, id, Events.delete(type, spell(id, rnd), x.max), "delete-same-version");
      } else if (r < 68) {
        add(x, topic, id, null, "tombstone");
      } else if (r < 78) {
        long older = x.max + 1;
        long newer = x.max + 2;
        String newest =
            rnd.nextInt(5) == 0
                ? Events.delete(type, spell(id, rnd), newer)
                : upsert(type, id, newer, item, false, rnd);
        add(x, topic, id, newest, "upsert/delete published before an older version");
        add(x, topic, id, upsert(type, id, older, item, true, rnd), "reordered");
        x.max = newer;
      } else if (r < 88 && x.max >= 2) {
        long v = x.max - 1 - rnd.nextInt((int) Math.min(x.max - 1, 5));
        String late =
            rnd.nextInt(4) == 0
                ? Events.delete(type, spell(id, rnd), v)
                : upsert(type, id, v, item, true, rnd);
        add(x, topic, id, late, "late");
      } else {
        add(x, topic, id, x.lastValue, "duplicate");
      }
    }
    while (events.size() > count) {
      Event e = events.remove(events.size() - 1);
      kinds.merge(e.kind(), -1, Integer::sum);
    }
  }

  private void add(IdState x, String topic, String id, String value, String kind) {
    events.add(new Event(topic, id, value, kind));
    kinds.merge(kind, 1, Integer::sum);
    x.lastValue = value;
    x.any = true;
  }

  private static String upsert(
      String type, String id, long v, boolean item, boolean late, Random rnd) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(
        "title",
        (item ? "item " : "task ") + id.substring(0, 8) + " v" + v + (late ? " (late)" : ""));
    if (item) {
      if (rnd.nextInt(100) >= 15) {
        p.put("price", v * 1.5 + (late ? 0.25 : 0));
      }
      p.put("stock", v);
      if (rnd.nextInt(100) >= 10) {
        p.put("tags", List.of("t" + v % 3, "v" + v));
      }
    } else {
      p.put("done", (v % 2 == 0) != late);
    }
    return Events.upsert(type, spell(id, rnd), v, p);
  }

  /** The id as the event's {@code id} field spells it: upper case one time in ten. */
  private static String spell(String id, Random rnd) {
    return rnd.nextInt(10) == 0 ? id.toUpperCase(java.util.Locale.ROOT) : id;
  }

  private static List<String> ids(Random rnd, int n) {
    var out = new ArrayList<String>(n);
    for (int i = 0; i < n; i++) {
      out.add(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
    }
    return out;
  }
}
