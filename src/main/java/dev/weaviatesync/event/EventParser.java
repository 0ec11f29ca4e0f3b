package dev.weaviatesync.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weaviatesync.Text;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Parses and validates one Kafka record against the event contract. Pure: no I/O, no state. {@code
 * knownTypes} are the configured types; {@code expectedType} is the type its topic carries (null
 * when any known type is acceptable, as for the CLI's publish command).
 */
public final class EventParser {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final Set<String> knownTypes;

  public EventParser(Set<String> knownTypes) {
    this.knownTypes = Set.copyOf(knownTypes);
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * @param key raw record key (UTF-8 id), may be null
   * @param value raw record value (UTF-8 JSON), null for a tombstone
   * @param expectedType the type the record's topic carries, or null to accept any known type
   * @throws InvalidEventException with the field and the reason when the record breaks the contract
   */
  public ChangeEvent parse(byte[] key, byte[] value, String expectedType)
      throws InvalidEventException {
    return parse(key, value, expectedType, false);
  }

  /**
   * Validates a value about to be published, whose record key will be its own id (the publish
   * command, the Java producer): the same checks as {@link #parse} but the key comparison.
   */
  public ChangeEvent parseValue(byte[] value, String expectedType) throws InvalidEventException {
    if (value == null) {
      throw new InvalidEventException("value", "is missing");
    }
    return parse(null, value, expectedType, true);
  }

  private ChangeEvent parse(byte[] key, byte[] value, String expectedType, boolean keyIsId)
      throws InvalidEventException {
    String keyText = key == null ? null : utf8("key", key);
    if (value == null) {
      if (keyText == null) {
        throw new InvalidEventException("key", "a tombstone (null value) needs the id as its key");
      }
      if (expectedType == null) {
        throw new InvalidEventException("value", "a tombstone needs a topic that carries one type");
      }
      return new ChangeEvent(
          expectedType,
          Op.DELETE,
          canonicalKey(keyText, uuid("key", keyText)),
          null,
          null,
          null,
          null);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(utf8("value", value));
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(null, "malformed JSON: " + e.getOriginalMessage());
    } catch (NumberFormatException e) {
      // Jackson reads fractions and exponents as BigDecimal (USE_BIG_DECIMAL_FOR_FLOATS), whose
      // scale
      // is an int: 1e9999999999 or 1e-2147483648 anywhere in the value make it throw this, not a
      // JsonProcessingException (found by EventParserFuzzTest).
      throw new InvalidEventException(null, "malformed JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException(null, "the value must be a JSON object");
    }
    String type = text(root, "type");
    if (!knownTypes.contains(type)) {
      throw new InvalidEventException(
          "type", "unknown type '" + abbreviate(type) + "'; configured types: " + knownTypes);
    }
    if (expectedType != null && !expectedType.equals(type)) {
      throw new InvalidEventException(
          "type", "'" + type + "' does not belong on this topic, which carries " + expectedType);
    }
    String opText = text(root, "op");
    Op op;
    try {
      op = Op.valueOf(opText);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException(
          "op", "unknown op '" + abbreviate(opText) + "'; expected UPSERT or DELETE");
    }
    String id = uuid("id", text(root, "id"));
    if (keyIsId) {
      keyText = id;
    }
    if (keyText == null) {
      throw new InvalidEventException(
          "key", "the record key must be the id " + id + ", but it is missing");
    }
    if (!keyText.equalsIgnoreCase(id)) {
      throw new InvalidEventException(
          "key", "the record key '" + abbreviate(keyText) + "' differs from the id " + id);
    }
    canonicalKey(keyText, id);
    Long version = version(root.get("version"));
    OffsetDateTime occurredAt = timestamp(root);
    ObjectNode properties = null;
    JsonNode props = root.get("properties");
    if (op == Op.UPSERT) {
      if (props == null || props.isNull()) {
        throw new InvalidEventException(
            "properties", "required for UPSERT (the full state of the object)");
      }
      if (!props.isObject()) {
        throw new InvalidEventException("properties", "must be a JSON object, not " + kind(props));
      }
      properties = (ObjectNode) props;
      String lone = loneSurrogate(properties);
      if (lone != null) {
        // JSON's \\ud800 escapes can spell half a character. Weaviate would store a '?' in its
        // place:
        // a silent change of the data. Refuse it, naming where.
        throw new InvalidEventException("properties", lone);
      }
    } else if (props != null && !props.isNull() && !props.isObject()) {
      throw new InvalidEventException("properties", "must be a JSON object, not " + kind(props));
    }
    float[] vector = vector(root.get("vector"));
    return new ChangeEvent(type, op, id, version, occurredAt, properties, vector);
  }

  /**
   * Kafka partitions by the key's bytes: two spellings of one id could land in two partitions,
   * whose tasks would each guard and dedupe the same Weaviate object on their own. One spelling per
   * id, the canonical lower-case one, keeps every object with one owner.
   */
  private static String canonicalKey(String keyText, String id) throws InvalidEventException {
    if (!keyText.equals(id)) {
      throw new InvalidEventException(
          "key",
          "the record key '"
              + abbreviate(keyText)
              + "' must be the id in canonical lower-case form: "
              + id);
    }
    return id;
  }

  /** Where a string of {@code node} (a name or a value) holds an unpaired surrogate, or null. */
  private static String loneSurrogate(JsonNode node) {
    if (node.isTextual()) {
      return hasLoneSurrogate(node.textValue())
          ? "a string value holds an unpaired UTF-16 surrogate (not Unicode text)"
          : null;
    }
    for (var it = node.properties().iterator(); node.isObject() && it.hasNext(); ) {
      var e = it.next();
      if (hasLoneSurrogate(e.getKey())) {
        return "a property name holds an unpaired UTF-16 surrogate (not Unicode text)";
      }
      String inner = loneSurrogate(e.getValue());
      if (inner != null) {
        return inner;
      }
    }
    if (node.isArray()) {
      for (JsonNode x : node) {
        String inner = loneSurrogate(x);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String utf8(String field, byte[] bytes) throws InvalidEventException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidEventException(field, "is not valid UTF-8");
    }
  }

  private static String text(JsonNode root, String field) throws InvalidEventException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new InvalidEventException(field, "is missing");
    }
    if (!n.isTextual()) {
      throw new InvalidEventException(field, "must be a string, not " + kind(n));
    }
    return n.asText();
  }

  private static String uuid(String field, String text) throws InvalidEventException {
    if (!UUID_TEXT.matcher(text).matches()) {
      throw new InvalidEventException(field, "'" + abbreviate(text) + "' is not a UUID");
    }
    return UUID.fromString(text).toString().toLowerCase(Locale.ROOT);
  }

  private static Long version(JsonNode n) throws InvalidEventException {
    if (n == null || n.isNull()) {
      return null;
    }
    // JSON Schema's "integer" includes 3.0 and 1e2: accept every number without a fraction.
    if (!n.isNumber()) {
      throw new InvalidEventException("version", "must be an integer, not " + kind(n));
    }
    java.math.BigDecimal d = n.decimalValue();
    // Only a positive scale can hide a fraction (3.0, 300e-2). Stripping a scale <= 0 can push it
    // past
    // Integer.MIN_VALUE and throw ArithmeticException: 100e2147483647 (found by
    // EventParserFuzzTest).
    if (d.scale() > 0) {
      d = d.stripTrailingZeros();
    }
    if (d.scale() > 0) {
      throw new InvalidEventException(
          "version", "must be an integer, not " + abbreviate(n.toString()));
    }
    if (d.signum() < 0) {
      throw new InvalidEventException("version", "must be >= 0, not " + abbreviate(n.toString()));
    }
    if (d.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new InvalidEventException(
          "version", "must fit in 64 bits, not " + abbreviate(n.toString()));
    }
    return d.longValueExact();
  }

  /** RFC 3339 date-time with offset; the same pattern as the JSON Schema's. */
  private static final Pattern RFC3339 =
      Pattern.compile(
          "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]"
              + "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])");

  private static OffsetDateTime timestamp(JsonNode root) throws InvalidEventException {
    String text = text(root, "occurredAt");
    if (!RFC3339.matcher(text).matches()) {
      throw new InvalidEventException(
          "occurredAt", "'" + abbreviate(text) + "' is not an RFC 3339 timestamp with offset");
    }
    try {
      return OffsetDateTime.parse(
          text.toUpperCase(Locale.ROOT),
          DateTimeFormatter.ISO_OFFSET_DATE_TIME.withResolverStyle(
              java.time.format.ResolverStyle.LENIENT));
    } catch (DateTimeParseException e) {
      return null; // matches the contract's pattern (e.g. 2026-02-30): accepted, as the schema does
    }
  }

  private static float[] vector(JsonNode n) throws InvalidEventException {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray() || n.isEmpty()) {
      throw new InvalidEventException("vector", "must be a non-empty array of numbers");
    }
    float[] v = new float[n.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = n.get(i);
      if (!x.isNumber()) {
        throw new InvalidEventException(
            "vector", "element " + i + " is " + kind(x) + ", not a number");
      }
      v[i] = x.floatValue();
      if (!Float.isFinite(v[i])) {
        throw new InvalidEventException("vector", "element " + i + " is out of float range");
      }
    }
    return v;
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Input quoted in a message: at most 80 characters (a 500k-character type must not make a 500k
   * message).
   */
  private static String abbreviate(String s) {
    return Text.abbreviate(s, 80);
  }
}
