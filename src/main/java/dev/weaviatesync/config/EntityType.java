package dev.weaviatesync.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One entity type of the event contract: events of {@code name} arrive on {@code topic} and are
 * written to the Weaviate collection {@code collection}. {@code properties} are declared for
 * collection creation; empty means "do not create, the collection is managed elsewhere". {@code
 * vectorizer} is the vectorizer module of a collection the worker creates.
 */
public record EntityType(
    String name,
    String topic,
    String collection,
    List<PropertySpec> properties,
    Vectorizer vectorizer) {
  public EntityType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(collection, "collection");
    properties = List.copyOf(properties);
    vectorizer = vectorizer == null ? Vectorizer.NONE : vectorizer;
  }

  /**
   * A type whose collection, if the worker creates it, takes vectors from the events (no
   * vectorizer).
   */
  public EntityType(String name, String topic, String collection, List<PropertySpec> properties) {
    this(name, topic, collection, properties, Vectorizer.NONE);
  }

  /**
   * The vectorizer of a created collection: {@code module} is {@code none} (vectors come with the
   * objects, or not at all) or {@code text2vec-openai} (Weaviate embeds the text properties on
   * insert, through the OpenAI-compatible API at {@code baseUrl}); {@code baseUrl} and {@code
   * model} are null for the module's defaults.
   */
  public record Vectorizer(String module, String baseUrl, String model) {
    public static final String MODULE_NONE = "none";
    public static final String TEXT2VEC_OPENAI = "text2vec-openai";
    public static final List<String> MODULES = List.of(MODULE_NONE, TEXT2VEC_OPENAI);
    public static final Vectorizer NONE = new Vectorizer(MODULE_NONE, null, null);

    public Vectorizer {
      Objects.requireNonNull(module, "module");
    }

    public boolean isNone() {
      return MODULE_NONE.equals(module);
    }
  }

  /** A declared property of a collection: {@code name:type}, with Weaviate data types. */
  public record PropertySpec(String name, String dataType) {
    public static final List<String> TYPES =
        List.of(
            "text",
            "text[]",
            "int",
            "int[]",
            "number",
            "number[]",
            "boolean",
            "boolean[]",
            "date",
            "date[]",
            "uuid",
            "uuid[]");

    /** Parses {@code name:datatype}; the exception's message says what is wrong with it. */
    static PropertySpec parse(String entry) {
      int colon = entry.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + entry + "' must be name:datatype");
      }
      String name = entry.substring(0, colon).trim();
      String type = entry.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("'" + name + "' is not a valid property name");
      }
      if (!TYPES.contains(type)) {
        throw new IllegalArgumentException(
            "unknown datatype '" + type + "' for property " + name + "; one of " + TYPES);
      }
      return new PropertySpec(name, type);
    }
  }
}
