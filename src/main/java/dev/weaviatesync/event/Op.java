package dev.weaviatesync.event;

/** What happened to the entity. */
public enum Op {
  UPSERT,
  DELETE
}
