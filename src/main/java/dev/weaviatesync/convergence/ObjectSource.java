package dev.weaviatesync.convergence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;

/** The objects of a collection as verify reads them: a cursor in id order, and one by id. */
public interface ObjectSource {
  /** One object as Weaviate returns it: its id, properties and vectors (JSON, may be null). */
  record Obj(String id, JsonNode properties, JsonNode vectors) {}

  /**
   * Up to {@code limit} objects with ids above {@code after} (null: from the first), in id order.
   */
  List<Obj> page(String collection, String after, int limit) throws IOException;

  /** One object, or null when there is none with that id. */
  Obj get(String collection, String id) throws IOException;
}
