package dev.weaviatesync.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The bad-input catalogue (issue 9): every kind of input the worker can be handed that is not a
 * plain valid event, with what it gets. {@code BadInputCatalogueIT} produces each case to the real
 * broker and checks its outcome against the real worker and the real Weaviate; {@code ReadmeTest}
 * checks that the README's table "Bad input: what each kind gets" lists exactly these rows, so the
 * two cannot drift.
 *
 * <p>The expected outcomes come from the README's contract. A case whose observed outcome differs
 * from what the README says is marked {@link Case#readmeSays()}: its expected outcome is then what
 * the worker does today (so the IT notices when that changes), and the table says both.
 *
 * <p>Message patterns are prefixes of {@code __streams.errors.message}; {@code <id>} stands for the
 * case's id, {@code <key>} for its record key, {@code <collection>} for the target collection.
 */
public final class BadInputs {
  private BadInputs() {}

  /**
   * Header on every case's probe record; kept byte for byte in its dead-letter copy, it finds the
   * copy.
   */
  public static final String CASE_HEADER = "bad-input-case";

  /** Title of the state an id is left in by its setup. */
  public static final String SETUP_TITLE = "set up";

  /**
   * The bytes of a record too large to keep pending: more than the 2 MiB of the worker's
   * changelogs.
   */
  public static final int TOO_LARGE_VALUE_BYTES = 2 * 1_048_576 + 1_000;

  /** The input topic the big case goes to accepts this much (an operator raised its limit). */
  public static final int RAISED_TOPIC_LIMIT = 3 * 1_048_576;

  public enum Topic {
    ITEM,
    TASK
  }

  /** One record as produced: raw key, value and headers. */
  public record Rec(
      Topic topic, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {
    public String keyText() {
      return key == null ? "null" : new String(key, StandardCharsets.UTF_8);
    }
  }

  /** What a case gets. */
  public enum Kind {
    /**
     * One dead-letter record with a category and a message prefix; Weaviate keeps what it had of
     * the id.
     */
    DEAD_LETTERED,
    /** Written to Weaviate. */
    APPLIED,
    /** Applied as a delete: Weaviate does not have the id afterwards, nothing is dead-lettered. */
    DELETED,
    /**
     * Dropped by the version guard as stale (counted {@code stale}); Weaviate keeps the setup's
     * state.
     */
    STALE,
    /** A no-op repeat (counted {@code repeated}); Weaviate keeps the setup's state. */
    REPEATED,
    /**
     * Neither written nor dead-lettered: left on its input topic, logged, counted as unsendable.
     */
    LEFT_ON_TOPIC
  }

  /**
   * @param category failure category for {@link Kind#DEAD_LETTERED}
   * @param message message prefix for {@link Kind#DEAD_LETTERED}, with placeholders
   * @param properties for an id Weaviate must have: properties it must hold (a null value: absent);
   *     null when Weaviate must not have the id
   * @param vector the vector the object must have, or null not to check
   * @param note how it is applied, for the table
   */
  public record Outcome(
      Kind kind,
      String category,
      String message,
      Map<String, Object> properties,
      float[] vector,
      String note) {
    /** The README's third column. */
    public String describe() {
      return switch (kind) {
        case DEAD_LETTERED ->
            "`" + category + "`: `" + message + "`" + (note == null ? "" : "; " + note);
        case APPLIED -> "applied: " + note;
        case DELETED -> "applied as a delete: " + note;
        case STALE -> "dropped as stale (counted `stale`): " + note;
        case REPEATED -> "no-op (counted `repeated`): " + note;
        case LEFT_ON_TOPIC -> "left on its input topic: " + note;
      };
    }
  }

  /**
   * @param setup records produced (and written) before any probe, to give the id a history
   * @param probe the bad input itself, carrying {@link #CASE_HEADER}
   * @param id the id whose Weaviate state the outcome describes
   * @param readmeSays null when the README's contract predicts {@code expected}; otherwise what the
   *     README says, and {@code expected} is what the worker does instead
   */
  public record Case(
      String name,
      String example,
      String id,
      List<Rec> setup,
      Rec probe,
      Outcome expected,
      String readmeSays) {
    /** The README row of this case. */
    public String row() {
      String outcome = expected.describe();
      if (readmeSays != null) {
        outcome += ". **Disagrees with the sections above**, which say: " + readmeSays;
      }
      return "| " + name + " | " + example + " | " + outcome + " |";
    }

    /** The expected dead-letter message with its placeholders filled in. */
    public String message(String collection) {
      return expected
          .message()
          .replace("<id>", id)
          .replace("<key>", probe.keyText())
          .replace("<collection>", collection);
    }
  }

  public static final String README_HEADER = "| kind | example | outcome |";
  public static final String README_SEPARATOR = "|---|---|---|";

  /** The table as it must stand in the README. */
  public static List<String> readmeTable() {
    var rows = new ArrayList<String>();
    rows.add(README_HEADER);
    rows.add(README_SEPARATOR);
    all().forEach(c -> rows.add(c.row()));
    return rows;
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String OCCURRED_AT = "2026-11-29T10:15:30Z";

  /** A stable id per case name: the same in every run, distinct between cases. */
  public static String idOf(String name) {
    return UUID.nameUUIDFromBytes(
            ("weaviate-sync bad input: " + name).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** A valid UPSERT of {@code id}, version 1, whose title is the case's name. */
  static ObjectNode event(String type, String id, String title) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", type)
        .put("op", "UPSERT")
        .put("id", id)
        .put("version", 1)
        .put("occurredAt", OCCURRED_AT);
    n.putObject("properties").put("title", title);
    return n;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static Rec rec(Topic topic, String key, ObjectNode value) {
    return new Rec(topic, utf8(key), utf8(value.toString()), List.of());
  }

  /** A valid versioned UPSERT of {@code id} with the title {@link #SETUP_TITLE}. */
  static Rec upsert(String id, long version) {
    ObjectNode e = event("ItemChanged", id, SETUP_TITLE);
    e.put("version", version);
    return rec(Topic.ITEM, id, e);
  }

  static Rec delete(String id, long version) {
    ObjectNode e = event("ItemChanged", id, null);
    e.put("op", "DELETE").put("version", version).remove("properties");
    return rec(Topic.ITEM, id, e);
  }

  static Rec upsertWithVector(String id, float[] vector) {
    ObjectNode e = event("ItemChanged", id, SETUP_TITLE);
    var v = e.putArray("vector");
    for (float x : vector) {
      v.add(x);
    }
    return rec(Topic.ITEM, id, e);
  }

  static Rec tombstone(String id) {
    return new Rec(Topic.ITEM, utf8(id), null, List.of());
  }

  /**
   * Builds one case: by default a valid UPSERT on the item topic, keyed by its id, that the calls
   * change.
   */
  private static final class B {
    private final List<Case> out;
    private final String name;
    private final String example;
    private String id;
    private Topic topic = Topic.ITEM;
    private String type = "ItemChanged";
    private final List<Rec> setup = new ArrayList<>();
    private Consumer<ObjectNode> edit = e -> {};
    private byte[] rawValue;
    private boolean valueSet;
    private byte[] key;
    private boolean keySet;
    private final List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
    private String readmeSays;

    B(List<Case> out, String name, String example) {
      this.out = out;
      this.name = name;
      this.example = example;
      this.id = idOf(name);
    }

    B task() {
      topic = Topic.TASK;
      type = "TaskChanged";
      return this;
    }

    B type(String type) {
      this.type = type;
      return this;
    }

    B edit(Consumer<ObjectNode> e) {
      this.edit = e;
      return this;
    }

    B value(byte[] v) {
      rawValue = v;
      valueSet = true;
      return this;
    }

    B value(String v) {
      return value(utf8(v));
    }

    B key(byte[] k) {
      key = k;
      keySet = true;
      return this;
    }

    B key(String k) {
      return key(utf8(k));
    }

    B header(String name, byte[] value) {
      headers.add(new java.util.AbstractMap.SimpleImmutableEntry<>(name, value));
      return this;
    }

    /**
     * The default event with the title's characters (between its quotes) replaced by these raw
     * bytes.
     */
    B titleBytes(byte[] raw) {
      byte[] json = utf8(json());
      byte[] title = utf8("\"title\":\"" + name + "\"");
      int at = indexOf(json, title);
      return value(
          concat(
              Arrays.copyOf(json, at),
              utf8("\"title\":\""),
              raw,
              utf8("\""),
              Arrays.copyOfRange(json, at + title.length, json.length)));
    }

    B setup(Rec... recs) {
      setup.addAll(Arrays.asList(recs));
      return this;
    }

    B readmeSays(String text) {
      readmeSays = text;
      return this;
    }

    /** The value this case sends unless it set one: the default event, edited. */
    String json() {
      ObjectNode e = event(type, id, name);
      edit.accept(e);
      return e.toString();
    }

    private void done(Outcome o) {
      byte[] v = valueSet ? rawValue : utf8(json());
      byte[] k = keySet ? key : utf8(id);
      var h = new ArrayList<Map.Entry<String, byte[]>>();
      h.add(new java.util.AbstractMap.SimpleImmutableEntry<>(CASE_HEADER, utf8(name)));
      h.addAll(headers);
      out.add(
          new Case(
              name,
              example,
              id,
              List.copyOf(setup),
              new Rec(topic, k, v, List.copyOf(h)),
              o,
              readmeSays));
    }

    void deadLettered(String category, String message) {
      // Weaviate keeps what a setup of this id wrote, and has nothing otherwise.
      boolean setUp = setup.stream().anyMatch(r -> Arrays.equals(r.key(), utf8(id)));
      done(
          new Outcome(
              Kind.DEAD_LETTERED,
              category,
              message,
              setUp ? props("title", SETUP_TITLE) : null,
              null,
              null));
    }

    void invalid(String message) {
      deadLettered("INVALID_EVENT", message);
    }

    void rejected(String weaviateSays) {
      deadLettered(
          "REJECTED", "Weaviate rejected object <id> in collection <collection>: " + weaviateSays);
    }

    void applied(String note, Map<String, Object> properties) {
      done(new Outcome(Kind.APPLIED, null, null, properties, null, note));
    }

    void applied(String note) {
      applied(note, props("title", name));
    }

    void appliedWithVector(String note, float[] vector) {
      done(new Outcome(Kind.APPLIED, null, null, props("title", name), vector, note));
    }

    void deleted(String note) {
      done(new Outcome(Kind.DELETED, null, null, null, null, note));
    }

    void stale(String note, Map<String, Object> kept) {
      done(new Outcome(Kind.STALE, null, null, kept, null, note));
    }

    void repeated(String note) {
      done(new Outcome(Kind.REPEATED, null, null, props("title", SETUP_TITLE), null, note));
    }

    void leftOnTopic(String note) {
      done(new Outcome(Kind.LEFT_ON_TOPIC, null, null, null, null, note));
    }
  }

  private static Map<String, Object> props(Object... kv) {
    var m = new LinkedHashMap<String, Object>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static List<Case> cases;

  /** Every case, in the order they are produced and listed. */
  public static synchronized List<Case> all() {
    if (cases == null) {
      cases = List.copyOf(build());
      var names = new LinkedHashSet<String>();
      for (Case c : cases) {
        if (!names.add(c.name())) {
          throw new IllegalStateException("two cases named " + c.name());
        }
      }
    }
    return cases;
  }

  private static List<Case> build() {
    var l = new ArrayList<Case>();

    // ---- the value as a whole
    new B(l, "malformed JSON", "`{\"type\":\"ItemChanged\",`")
        .value("{\"type\":\"ItemChanged\",")
        .invalid("malformed JSON: ");
    B b = new B(l, "trailing garbage after the object", "a valid event followed by ` x`");
    b.value(b.json() + " x").invalid("malformed JSON: Unrecognized token 'x'");
    b = new B(l, "two objects in one record", "`{...}{...}`");
    b.value(b.json() + b.json())
        .invalid("malformed JSON: Trailing token (of type START_OBJECT) found after value");
    new B(l, "empty value", "0 bytes (not a tombstone)")
        .value(new byte[0])
        .invalid("the value must be a JSON object");
    b = new B(l, "JSON array", "`[{...}]`: the event inside an array");
    b.value("[" + b.json() + "]").invalid("the value must be a JSON object");
    new B(l, "JSON string", "`\"hello\"`")
        .value("\"hello\"")
        .invalid("the value must be a JSON object");
    new B(l, "JSON number", "`42`").value("42").invalid("the value must be a JSON object");
    new B(l, "JSON null literal", "`null` (4 bytes, not a tombstone)")
        .value("null")
        .invalid("the value must be a JSON object");
    b =
        new B(
            l,
            "event encoded twice",
            "`\"{\\\"type\\\":\\\"ItemChanged\\\",...}\"`: a JSON string holding the event");
    b.value(MAPPER.getNodeFactory().textNode(b.json()).toString())
        .invalid("the value must be a JSON object");
    new B(l, "invalid UTF-8 in the value", "the bytes `C3 28` inside the title")
        .titleBytes(new byte[] {(byte) 0xC3, 0x28})
        .invalid("value: is not valid UTF-8");
    b =
        new B(
            l, "UTF-16 value", "the event in UTF-16 with its byte order mark (`FE FF 00 7B ...`)");
    b.value(b.json().getBytes(StandardCharsets.UTF_16)).invalid("value: is not valid UTF-8");
    b = new B(l, "UTF-8 byte order mark", "`EF BB BF` before a valid event");
    b.value(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(b.json())))
        .invalid("malformed JSON: Unexpected character");
    new B(l, "unescaped control character", "a raw `U+0001` byte inside the title")
        .titleBytes(utf8("a\u0001b"))
        .invalid("malformed JSON: Illegal unquoted character ((CTRL-CHAR, code 1))");
    b =
        new B(
            l,
            "nesting deeper than 1000 levels",
            "`\"properties\":{\"deep\":[[[...]]],...}` with 1001 levels");
    b.value(
            b.json()
                .replace(
                    "\"properties\":{",
                    "\"properties\":{\"deep\":" + "[".repeat(1000) + "]".repeat(1000) + ","))
        .invalid("malformed JSON: Document nesting depth (1001) exceeds the maximum allowed (1000");
    b = new B(l, "number longer than 1000 digits", "`\"version\":1111...` with 1001 digits");
    b.value(b.json().replace("\"version\":1", "\"version\":" + "1".repeat(1001)))
        .invalid("malformed JSON: Number value length (1001) exceeds the maximum allowed (1000");
    b =
        new B(
            l,
            "unknown field holding a number beyond BigDecimal's range",
            "`\"extra\":1e9999999999` beside a valid event");
    b.value(b.json().replace("}}", "},\"extra\":1e9999999999}"))
        .invalid("malformed JSON: Value \"1e9999999999\" can not be deserialized");
    b =
        new B(
            l,
            "duplicate field",
            "`\"op\":\"UPSERT\"` and, later in the same object, `\"op\":\"DELETE\"`");
    b.setup(upsert(b.id, 1))
        .value(b.json().replace("\"version\":1", "\"version\":2,\"op\":\"DELETE\""))
        .deleted(
            "the last occurrence of a field wins (Jackson's default, as in Python's `json`); here the object is deleted");

    // ---- the record key
    new B(l, "missing key", "a valid event with a null key")
        .key((byte[]) null)
        .invalid("key: the record key must be the id <id>, but it is missing");
    new B(l, "invalid UTF-8 in the key", "key bytes `FF FE`")
        .key(new byte[] {(byte) 0xFF, (byte) 0xFE})
        .invalid("key: is not valid UTF-8");
    new B(l, "key not a UUID", "key `item-42`, id a UUID")
        .key("item-42")
        .invalid("key: the record key '<key>' differs from the id <id>");
    new B(l, "key differs from the id", "key one UUID, `id` another")
        .key(idOf("some other id"))
        .invalid("key: the record key '<key>' differs from the id <id>");
    b = new B(l, "key in upper case", "key `6F1C2A3B-...`, id `6f1c2a3b-...`");
    b.key(upper(b.id))
        .invalid("key: the record key '<key>' must be the id in canonical lower-case form: <id>");
    b = new B(l, "key with a trailing newline", "key `6f1c2a3b-...\\n` (what `echo` appends)");
    b.key(b.id + "\n").invalid("key: the record key '<key>' differs from the id <id>");
    b = new B(l, "id in upper case", "`\"id\":\"6F1C2A3B-...\"`, key `6f1c2a3b-...`");
    b.edit(e -> e.put("id", upper(e.get("id").asText())))
        .applied(
            "written under the lower-case id (the field may use either case; the key may not)");

    // ---- tombstones (null value)
    new B(l, "tombstone without a key", "null key, null value")
        .key((byte[]) null)
        .value((byte[]) null)
        .invalid("key: a tombstone (null value) needs the id as its key");
    new B(l, "tombstone with a non-UUID key", "key `item-42`, null value")
        .key("item-42")
        .value((byte[]) null)
        .invalid("key: '<key>' is not a UUID");
    b = new B(l, "tombstone with an upper-case key", "key `6F1C2A3B-...`, null value");
    b.key(upper(b.id))
        .value((byte[]) null)
        .invalid("key: the record key '<key>' must be the id in canonical lower-case form: <id>");
    b =
        new B(
            l,
            "tombstone of an existing object",
            "key `6f1c2a3b-...`, null value, after `v1 UPSERT`");
    b.setup(upsert(b.id, 1)).value((byte[]) null).deleted("the object is deleted");
    new B(l, "tombstone of an id never seen", "key `6f1c2a3b-...`, null value")
        .value((byte[]) null)
        .deleted("nothing to delete, nothing dead-lettered");

    // ---- type
    new B(l, "missing type", "no `type` field")
        .edit(e -> e.remove("type"))
        .invalid("type: is missing");
    new B(l, "type not a string", "`\"type\":1`")
        .edit(e -> e.put("type", 1))
        .invalid("type: must be a string, not number");
    new B(l, "unknown type", "`\"type\":\"InvoiceChanged\"`")
        .type("InvoiceChanged")
        .invalid("type: unknown type 'InvoiceChanged'; configured types: ");
    new B(l, "type of the other topic", "`\"type\":\"TaskChanged\"` on the item topic")
        .type("TaskChanged")
        .invalid("type: 'TaskChanged' does not belong on this topic, which carries ItemChanged");
    new B(l, "item event on the task topic", "`\"type\":\"ItemChanged\"` on the task topic")
        .task()
        .type("ItemChanged")
        .invalid("type: 'ItemChanged' does not belong on this topic, which carries TaskChanged");

    // ---- op
    new B(l, "missing op", "no `op` field").edit(e -> e.remove("op")).invalid("op: is missing");
    new B(l, "unknown op", "`\"op\":\"MERGE\"`")
        .edit(e -> e.put("op", "MERGE"))
        .invalid("op: unknown op 'MERGE'; expected UPSERT or DELETE");
    new B(l, "op in lower case", "`\"op\":\"upsert\"`")
        .edit(e -> e.put("op", "upsert"))
        .invalid("op: unknown op 'upsert'; expected UPSERT or DELETE");

    // ---- id
    new B(l, "missing id", "no `id` field").edit(e -> e.remove("id")).invalid("id: is missing");
    new B(l, "id not a UUID", "`\"id\":\"item-42\"`, key `item-42`")
        .key("item-42")
        .edit(e -> e.put("id", "item-42"))
        .invalid("id: 'item-42' is not a UUID");
    new B(l, "id a number", "`\"id\":42`")
        .edit(e -> e.put("id", 42))
        .invalid("id: must be a string, not number");
    b = new B(l, "id without dashes", "`\"id\":\"6f1c2a3b4d5e...\"` (32 hex digits), the same key");
    String dashless = b.id.replace("-", "");
    b.key(dashless).edit(e -> e.put("id", dashless)).invalid("id: '<key>' is not a UUID");

    // ---- version
    new B(l, "negative version", "`\"version\":-1`")
        .edit(e -> e.put("version", -1))
        .invalid("version: must be >= 0, not -1");
    new B(l, "fractional version", "`\"version\":1.5`")
        .edit(e -> e.put("version", 1.5))
        .invalid("version: must be an integer, not 1.5");
    new B(l, "version as a string", "`\"version\":\"5\"`")
        .edit(e -> e.put("version", "5"))
        .invalid("version: must be an integer, not string");
    new B(l, "version above 2^63-1", "`\"version\":9223372036854775808`")
        .edit(e -> e.put("version", new java.math.BigInteger("9223372036854775808")))
        .invalid("version: must fit in 64 bits, not 9223372036854775808");
    b = new B(l, "version in exponent notation beyond 64 bits", "`\"version\":100e2147483647`");
    b.value(b.json().replace("\"version\":1", "\"version\":100e2147483647"))
        .invalid("version: must fit in 64 bits, not 1.00E+2147483649");
    b = new B(l, "version written as 3.0", "`\"version\":3.0`");
    b.value(b.json().replace("\"version\":1", "\"version\":3.0"))
        .applied("as version 3 (JSON Schema's `integer` includes 3.0)");
    new B(l, "version null", "`\"version\":null`")
        .edit(e -> e.putNull("version"))
        .applied("as an event without a version");

    // ---- occurredAt
    new B(l, "missing occurredAt", "no `occurredAt` field")
        .edit(e -> e.remove("occurredAt"))
        .invalid("occurredAt: is missing");
    new B(l, "occurredAt without offset", "`\"occurredAt\":\"2026-11-29T10:15:30\"`")
        .edit(e -> e.put("occurredAt", "2026-11-29T10:15:30"))
        .invalid("occurredAt: '2026-11-29T10:15:30' is not an RFC 3339 timestamp with offset");
    new B(l, "occurredAt not a timestamp", "`\"occurredAt\":\"yesterday\"`")
        .edit(e -> e.put("occurredAt", "yesterday"))
        .invalid("occurredAt: 'yesterday' is not an RFC 3339 timestamp with offset");
    new B(l, "occurredAt in epoch milliseconds", "`\"occurredAt\":1795947330123`")
        .edit(e -> e.put("occurredAt", 1795947330123L))
        .invalid("occurredAt: must be a string, not number");
    new B(l, "occurredAt with lower-case t and z", "`\"occurredAt\":\"2026-11-29t10:15:30z\"`")
        .edit(e -> e.put("occurredAt", "2026-11-29t10:15:30z"))
        .applied("RFC 3339 allows both letters in lower case");
    new B(l, "occurredAt with a +19:00 offset", "`\"occurredAt\":\"2026-11-29T10:15:30+19:00\"`")
        .edit(e -> e.put("occurredAt", "2026-11-29T10:15:30+19:00"))
        .applied(
            "RFC 3339 allows any offset hour 00-23 (Java's `OffsetDateTime` holds none beyond 18; the worker does not need it)");
    new B(
            l,
            "occurredAt with ten fraction digits",
            "`\"occurredAt\":\"2026-11-29T10:15:30.1234567891Z\"`")
        .edit(e -> e.put("occurredAt", "2026-11-29T10:15:30.1234567891Z"))
        .applied("RFC 3339 allows any number of fraction digits");
    new B(l, "occurredAt on a day that does not exist", "`\"occurredAt\":\"2026-02-30T10:15:30Z\"`")
        .edit(e -> e.put("occurredAt", "2026-02-30T10:15:30Z"))
        .applied(
            "the worker checks the pattern of `schema/change-event.schema.json`, which takes any day 01-31");
    new B(l, "occurredAt in a leap second", "`\"occurredAt\":\"2016-12-31T23:59:60Z\"`")
        .edit(e -> e.put("occurredAt", "2016-12-31T23:59:60Z"))
        .invalid("occurredAt: '2016-12-31T23:59:60Z' is not an RFC 3339 timestamp with offset");

    // ---- properties
    new B(l, "UPSERT without properties", "no `properties` field")
        .edit(e -> e.remove("properties"))
        .invalid("properties: required for UPSERT (the full state of the object)");
    new B(l, "properties null on an UPSERT", "`\"properties\":null`")
        .edit(e -> e.putNull("properties"))
        .invalid("properties: required for UPSERT (the full state of the object)");
    new B(l, "properties an array", "`\"properties\":[\"title\",\"x\"]`")
        .edit(e -> e.putArray("properties").add("title").add("x"))
        .invalid("properties: must be a JSON object, not array");
    b =
        new B(
            l,
            "properties a string on a DELETE",
            "`\"op\":\"DELETE\",\"properties\":\"none\"` after `v1 UPSERT`");
    b.setup(upsert(b.id, 1))
        .edit(e -> e.put("op", "DELETE").put("version", 2).put("properties", "none"))
        .invalid("properties: must be a JSON object, not string");
    // (the object the setup wrote stays)
    b =
        new B(
            l,
            "properties on a DELETE",
            "`\"op\":\"DELETE\",\"properties\":{\"title\":\"x\"}` after `v1 UPSERT`");
    b.setup(upsert(b.id, 1))
        .edit(e -> e.put("op", "DELETE").put("version", 2))
        .deleted("the object is deleted; its properties are ignored");
    new B(l, "empty properties", "`\"properties\":{}`")
        .edit(e -> e.putObject("properties"))
        .applied("the object is replaced by one without properties", props("title", null));
    b = new B(l, "property set to null", "`\"properties\":{\"title\":\"x\",\"price\":null}`");
    String nullName = b.name;
    b.edit(e -> ((ObjectNode) e.get("properties")).putNull("price"))
        .applied(
            "the property is left out: the object has no value for it",
            props("title", nullName, "price", null));
    new B(l, "unknown top-level field", "`\"source\":\"crm\"` beside the contract's fields")
        .edit(e -> e.put("source", "crm"))
        .applied("the field is ignored");
    new B(l, "lone surrogate escape in a string", "`\"title\":\"\\ud800\"`")
        .titleBytes(utf8("\\ud800"))
        .invalid(
            "properties: a string value holds an unpaired UTF-16 surrogate (not Unicode text)");

    // ---- vector
    new B(l, "empty vector", "`\"vector\":[]`")
        .edit(e -> e.putArray("vector"))
        .invalid("vector: must be a non-empty array of numbers");
    new B(l, "vector with a string", "`\"vector\":[0.1,\"a\"]`")
        .edit(e -> e.putArray("vector").add(0.1).add("a"))
        .invalid("vector: element 1 is string, not a number");
    new B(l, "vector out of float range", "`\"vector\":[1e39]`")
        .edit(e -> e.putArray("vector").add(new java.math.BigDecimal("1e39")))
        .invalid("vector: element 0 is out of float range");
    new B(l, "vector not an array", "`\"vector\":\"0.1,0.2,0.3\"`")
        .edit(e -> e.put("vector", "0.1,0.2,0.3"))
        .invalid("vector: must be a non-empty array of numbers");
    b = new B(l, "NaN in the vector", "`\"vector\":[NaN,0.2,0.3]`");
    b.value(b.json().replace("}}", "},\"vector\":[NaN,0.2,0.3]}"))
        .invalid("malformed JSON: Non-standard token 'NaN'");
    new B(l, "vector of integers", "`\"vector\":[1,2,3]`")
        .edit(e -> e.putArray("vector").add(1).add(2).add(3))
        .appliedWithVector("stored as the vector `[1.0, 2.0, 3.0]`", new float[] {1, 2, 3});
    b =
        new B(
            l,
            "vector of another dimension",
            "`\"vector\":[0.1,0.2,0.3,0.4]` after 3-dimensional vectors were written");
    b.setup(upsertWithVector(idOf(b.name + " (setup)"), new float[] {0.1f, 0.2f, 0.3f}))
        .edit(e -> e.putArray("vector").add(0.1).add(0.2).add(0.3).add(0.4))
        .rejected(
            "Validate vector index default for target vector <id>: new node has a vector with length 4. "
                + "Existing nodes have vectors with length 3: vector dimensions do not match the index dimensions");

    // ---- what Weaviate refuses (the collection's schema; auto-schema is off)
    new B(l, "property unknown to the collection", "`\"color\":\"red\"`")
        .edit(e -> ((ObjectNode) e.get("properties")).put("color", "red"))
        .rejected("no such prop with name 'color' found in class '<collection>' in the schema");
    new B(l, "number property given text", "`\"price\":\"cheap\"` (price is a `number`)")
        .edit(e -> ((ObjectNode) e.get("properties")).put("price", "cheap"))
        .rejected(
            "invalid number property 'price' on class '<collection>': requires a float, the given value is 'cheap'");
    new B(l, "int property given a fraction", "`\"stock\":1.5` (stock is an `int`)")
        .edit(e -> ((ObjectNode) e.get("properties")).put("stock", 1.5))
        .rejected(
            "invalid integer property 'stock' on class '<collection>': requires an integer, the given value is '1.5'");
    new B(l, "text property given a number", "`\"title\":42` (title is `text`)")
        .edit(e -> ((ObjectNode) e.get("properties")).put("title", 42))
        .rejected(
            "invalid text property 'title' on class '<collection>': not a string, but float64");
    new B(l, "text array given a string", "`\"tags\":\"home\"` (tags is `text[]`)")
        .edit(e -> ((ObjectNode) e.get("properties")).put("tags", "home"))
        .rejected(
            "invalid text array property 'tags' on class '<collection>': not a text array, but string");
    new B(l, "object for a text property", "`\"title\":{\"en\":\"lamp\"}`")
        .edit(e -> ((ObjectNode) e.get("properties")).putObject("title").put("en", "lamp"))
        .rejected(
            "invalid text property 'title' on class '<collection>': not a string, but map[string]interface {}");
    new B(
            l,
            "boolean property given a string",
            "`\"done\":\"yes\"` on the task topic (done is `boolean`)")
        .task()
        .edit(e -> ((ObjectNode) e.get("properties")).put("done", "yes"))
        .rejected(
            "invalid boolean property 'done' on class '<collection>': not a bool, but string");

    // ---- size
    b =
        new B(
            l,
            "invalid record near the 1 MiB limit",
            "1,048,000 bytes: `{\"type\":\"ItemChanged\",\"padding\":\"xxx...` (unterminated)");
    String head = "{\"type\":\"ItemChanged\",\"padding\":\"";
    b.value(head + "x".repeat(1_048_000 - head.length())).invalid("malformed JSON: ");
    b =
        new B(
            l,
            "valid record near the 1 MiB limit",
            "a valid event of 1,048,000 bytes (a long title)");
    String bigTitle = "x".repeat(1_048_000 - b.json().length() + b.name.length());
    b.edit(e -> ((ObjectNode) e.get("properties")).put("title", bigTitle))
        .applied("written whole", props("title", bigTitle));
    b =
        new B(
                l,
                "valid record too large to keep pending",
                "a valid event of 2 MiB + 1,000 bytes on an input topic "
                    + "whose `max.message.bytes` was raised to 3 MiB")
            .task();
    String hugeTitle = "x".repeat(TOO_LARGE_VALUE_BYTES - b.json().length() + b.name.length());
    b.edit(e -> ((ObjectNode) e.get("properties")).put("title", hugeTitle))
        .deadLettered("TOO_LARGE", "the record is ");

    // ---- the version guard (README, "Version guard")
    b = new B(l, "older version after a newer one", "`v4 UPSERT` after `v5 UPSERT`");
    b.setup(upsert(b.id, 5))
        .edit(e -> e.put("version", 4))
        .stale("the object keeps version 5", props("title", SETUP_TITLE));
    b = new B(l, "exact repeat", "the same `v3 UPSERT` record twice");
    b.setup(upsert(b.id, 3)).value(upsert(b.id, 3).value()).repeated("nothing is written again");
    b =
        new B(
            l,
            "same version, different content",
            "`v3 UPSERT` with another title after `v3 UPSERT`");
    b.setup(upsert(b.id, 3)).edit(e -> e.put("version", 3)).repeated("the first one stays");
    b =
        new B(
            l,
            "UPSERT after a DELETE of the same version",
            "`v3 UPSERT` after `v2 UPSERT`, `v3 DELETE`");
    b.setup(upsert(b.id, 2), delete(b.id, 3))
        .edit(e -> e.put("version", 3))
        .stale("the object stays deleted", null);
    b = new B(l, "DELETE after an UPSERT of the same version", "`v3 DELETE` after `v3 UPSERT`");
    b.setup(upsert(b.id, 3))
        .edit(e -> e.put("op", "DELETE").put("version", 3).remove("properties"))
        .deleted("a delete wins over an upsert of its version");
    b = new B(l, "older UPSERT after a tombstone", "`v5 UPSERT` after `v7 UPSERT`, tombstone");
    b.setup(upsert(b.id, 7), tombstone(b.id))
        .edit(e -> e.put("version", 5))
        .stale("the tombstone inherited version 7; the object stays deleted", null);
    b =
        new B(
            l,
            "UPSERT without a version after versioned ones",
            "an UPSERT without `version` after `v5 UPSERT`");
    b.setup(upsert(b.id, 5))
        .edit(e -> e.remove("version"))
        .applied("never stale: applied in arrival order");

    // ---- headers
    new B(
            l,
            "binary and null header values",
            "headers `h1` = `00 FF`, `h2` = null on a valid event")
        .header("h1", new byte[] {0, (byte) 0xFF})
        .header("h2", null)
        .applied("headers are not looked at (and are kept in a dead-letter copy)");
    return l;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }
}
