package dev.weaviatesync.testing;

import dev.weaviatesync.sink.UpsertObject;
import dev.weaviatesync.sink.WeaviateSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A Weaviate stand-in for unit tests: upsert replaces, delete removes, failures on demand. */
public final class InMemorySink implements WeaviateSink {
  public final Map<String, Map<String, UpsertObject>> collections = new ConcurrentHashMap<>();

  /** Ids that Weaviate rejects per object, with the message. */
  public final Map<String, String> rejectIds = new HashMap<>();

  /** When set, every call throws what it supplies (a whole-batch failure). */
  public volatile Supplier<RuntimeException> failWith;

  public volatile boolean ready = true;

  /** Ids that make the server fail any whole request that contains them (a poison object). */
  public final java.util.Set<String> poisonIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Each call waits this long first (a Weaviate that hangs until the call times out). */
  public volatile long delayMs;

  public final List<String> calls = new ArrayList<>();
  public int objectWrites;

  @Override
  public synchronized Map<String, String> upsert(String collection, List<UpsertObject> objects) {
    calls.add("upsert " + collection + " " + objects.size());
    delay();
    if (failWith != null) {
      throw failWith.get();
    }
    if (objects.stream().anyMatch(o -> poisonIds.contains(o.id()))) {
      throw new io.grpc.StatusRuntimeException(
          io.grpc.Status.INTERNAL.withDescription("panic while handling the batch"));
    }
    var errors = new LinkedHashMap<String, String>();
    for (UpsertObject o : objects) {
      if (rejectIds.containsKey(o.id())) {
        errors.put(o.id(), rejectIds.get(o.id()));
      } else {
        collections.computeIfAbsent(collection, c -> new ConcurrentHashMap<>()).put(o.id(), o);
        objectWrites++;
      }
    }
    return errors;
  }

  @Override
  public synchronized Map<String, String> delete(String collection, List<String> ids) {
    calls.add("delete " + collection + " " + ids.size());
    delay();
    if (failWith != null) {
      throw failWith.get();
    }
    ids.forEach(
        id -> collections.computeIfAbsent(collection, c -> new ConcurrentHashMap<>()).remove(id));
    objectWrites += ids.size();
    return Map.of();
  }

  private void delay() {
    if (delayMs > 0) {
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  public Map<String, UpsertObject> collection(String name) {
    return collections.getOrDefault(name, Map.of());
  }
}
