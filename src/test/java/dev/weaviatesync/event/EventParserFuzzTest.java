package dev.weaviatesync.event;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzes {@link EventParser#parse} (issue 9) with generated records: random bytes, mutated valid
 * events, deep nesting, huge and tiny numbers, invalid UTF-8, lone surrogates, NUL bytes, BOMs,
 * long strings, keys that differ from the id, and tombstones. For every input:
 *
 * <ol>
 *   <li>nothing but {@link InvalidEventException}, with a field of the contract and a message,
 *       escapes {@code parse} (nor, on every fourth input, {@code parseValue});
 *   <li>an accepted event, written back as JSON (a tombstone: as a tombstone) and parsed again,
 *       gives an equal event;
 *   <li>{@code parse} is deterministic and leaves its input arrays alone.
 * </ol>
 *
 * <p>The inputs are built from jqwik's {@link Random} rather than from jqwik's combinators: a
 * million inputs of a few hundred bytes each would cost too much as shrinkable values. So there is
 * no shrinking; instead every input carries the recipe that built it, and a failure prints the
 * recipe and the exact bytes, and jqwik prints the seed that reproduces the run
 * ({@code @Property(seed = ...)}).
 *
 * <p>How many inputs: {@value #DEFAULT_INPUTS} by default (about 30 s on two busy cores), split
 * over the families by {@link Share}; {@code -Dfuzz.inputs=N} for another total, e.g. the full run
 * of a million (about 2 minutes): {@code ./mvnw -B -q test -Dtest=EventParserFuzzTest
 * -Dfuzz.inputs=1000000}.
 */
@AddLifecycleHook(EventParserFuzzTest.Budget.class)
// Inputs from randomValue have no edge cases and cannot shrink.
@PropertyDefaults(
    generation = GenerationMode.RANDOMIZED,
    edgeCases = EdgeCasesMode.NONE,
    shrinking = ShrinkingMode.OFF)
class EventParserFuzzTest {
  static final int DEFAULT_INPUTS = 200_000;

  private static final Set<String> TYPES = Set.of("ItemChanged", "TaskChanged");
  private static final EventParser PARSER = new EventParser(TYPES);
  private static final ObjectMapper MAPPER = EventParser.mapper();
  private static final Set<String> FIELDS =
      Set.of("key", "value", "type", "op", "id", "version", "occurredAt", "properties", "vector");
  private static final Pattern CANONICAL_UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * Always with seconds and fraction: {@code OffsetDateTime.toString()} drops ":00" seconds, which
   * RFC 3339 needs.
   */
  private static final DateTimeFormatter RFC3339_OUT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX", Locale.ROOT);

  // ---------------------------------------------------------------------------------------------
  // The properties, one per family of inputs. Each checks all three properties on its inputs.

  @Property
  @Share(0.10)
  void randomBytes(@ForAll("randomBytesInputs") Input in) {
    check(in);
  }

  @Property
  @Share(0.08)
  void randomJsonTokens(@ForAll("jsonTokenInputs") Input in) {
    check(in);
  }

  @Property
  @Share(0.14)
  void validEvents(@ForAll("validEventInputs") Input in) {
    Outcome o = check(in);
    if (o.event == null) {
      throw new AssertionError("a valid event was rejected: " + o.error + "\n" + in);
    }
  }

  @Property
  @Share(0.35)
  void mutatedEvents(@ForAll("mutatedEventInputs") Input in) {
    check(in);
  }

  @Property
  @Share(0.10)
  void hugeAndTinyNumbers(@ForAll("numberInputs") Input in) {
    check(in);
  }

  @Property
  @Share(0.06)
  void invalidUtf8(@ForAll("invalidUtf8Inputs") Input in) {
    Outcome o = check(in);
    if (o.event != null
        && (utf8OrNull(in.key) == null || in.value != null && utf8OrNull(in.value) == null)) {
      throw new AssertionError("accepted bytes that are not UTF-8\n" + in);
    }
  }

  @Property
  @Share(0.06)
  void surrogatesNulsAndBoms(@ForAll("escapeInputs") Input in) {
    check(in);
  }

  @Property
  @Share(0.05)
  void keysThatDifferFromTheId(@ForAll("keyInputs") Input in) {
    Outcome o = check(in);
    // The generated value is a valid event: it is accepted exactly when the key is its canonical
    // id.
    boolean canonical = in.key != null && Arrays.equals(in.key, in.canonicalId.getBytes(UTF_8));
    if ((o.event != null) != canonical) {
      throw new AssertionError(
          (canonical ? "rejected (" + o.error + ")" : "accepted")
              + " with key "
              + show(in.key)
              + " for id "
              + in.canonicalId
              + "\n"
              + in);
    }
  }

  @Property
  @Share(0.03)
  void tombstones(@ForAll("tombstoneInputs") Input in) {
    Outcome o = check(in);
    String keyText = in.key == null ? null : utf8OrNull(in.key);
    boolean deletable =
        keyText != null && CANONICAL_UUID.matcher(keyText).matches() && in.expectedType != null;
    if ((o.event != null) != deletable) {
      throw new AssertionError((deletable ? "rejected (" + o.error + ")" : "accepted") + "\n" + in);
    }
    if (o.event != null
        && !(o.event.isDelete() && o.event.id().equals(keyText) && o.event.version() == null)) {
      throw new AssertionError(
          "a tombstone must be a DELETE of its key without a version: " + o.event + "\n" + in);
    }
  }

  @Property
  @Share(0.02)
  void deepNesting(@ForAll("nestingInputs") Input in) {
    check(in);
  }

  @Property
  @Share(0.01)
  void longStrings(@ForAll("longStringInputs") Input in) {
    check(in);
  }

  /** Too big to draw a million times: Jackson's limits on string length and nesting, once each. */
  @Example
  void aStringBeyondJacksonsLimitIsRejectedAsMalformedJson() {
    String id = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    String json =
        "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"id\":\""
            + id
            + "\","
            + "\"occurredAt\":\"2026-11-29T10:15:30Z\",\"properties\":{\"long\":\""
            + "x".repeat(20_000_001)
            + "\"}}";
    Outcome o =
        check(
            new Input(
                "example", "20,000,001 chars in a property", b(id), b(json), "ItemChanged", id));
    if (o.event != null || !o.error.startsWith("malformed JSON: String value length")) {
      throw new AssertionError(
          "expected Jackson's limit on strings, got " + (o.event != null ? "accepted" : o.error));
    }
  }

  @Example
  void aHundredThousandLevelsOfNestingAreRejectedAsMalformedJson() {
    String id = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    String json =
        "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"id\":\""
            + id
            + "\","
            + "\"occurredAt\":\"2026-11-29T10:15:30Z\",\"properties\":{\"deep\":"
            + "[".repeat(100_000)
            + "]".repeat(100_000)
            + "}}";
    Outcome o =
        check(
            new Input(
                "example",
                "100,000-level arrays in a property",
                b(id),
                b(json),
                "ItemChanged",
                id));
    if (o.event != null || !o.error.startsWith("malformed JSON: Document nesting depth")) {
      throw new AssertionError(
          "expected Jackson's limit on nesting, got " + (o.event != null ? "accepted" : o.error));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The three properties.

  /** What one call of parse gave: an event, or the rejection's field and message. */
  record Outcome(ChangeEvent event, String field, String error) {
    boolean sameAs(Outcome o) {
      return event != null
          ? o.event != null && sameEvent(event, o.event)
          : o.event == null && Objects.equals(field, o.field) && Objects.equals(error, o.error);
    }
  }

  private static final AtomicLong SEEN = new AtomicLong();

  private static Outcome check(Input in) {
    byte[] key = copy(in.key);
    byte[] value = copy(in.value);
    Outcome first = parse(in, key, value);
    // Property 3: the same input gives the same outcome, and parse leaves its arrays alone.
    if (!Arrays.equals(key, in.key) || !Arrays.equals(value, in.value)) {
      throw new AssertionError("parse changed its input arrays\n" + in);
    }
    Outcome again = parse(in, copy(in.key), copy(in.value));
    if (!first.sameAs(again)) {
      throw new AssertionError(
          "parse is not deterministic: " + first + " then " + again + "\n" + in);
    }
    // Property 1 for the publishing path, too (parseValue: the same checks but the key's), on every
    // fourth input: it shares all but the key's code with parse.
    if (in.value != null && (SEEN.incrementAndGet() & 3) == 0) {
      try {
        PARSER.parseValue(copy(in.value), in.expectedType);
      } catch (InvalidEventException e) {
        checkMessage(e, in);
      } catch (Throwable t) {
        throw escaped("parseValue", t, in);
      }
    }
    if (first.event != null) {
      roundTrip(first.event, in);
    }
    Statistics.label("outcome")
        .collect(
            first.event != null
                ? "accepted"
                : "rejected: " + (first.field == null ? "(record)" : first.field));
    return first;
  }

  /**
   * Property 1: nothing but InvalidEventException, and that with a field of the contract and a
   * message.
   */
  private static Outcome parse(Input in, byte[] key, byte[] value) {
    try {
      return new Outcome(PARSER.parse(key, value, in.expectedType), null, null);
    } catch (InvalidEventException e) {
      checkMessage(e, in);
      return new Outcome(null, e.field(), e.getMessage());
    } catch (Throwable t) {
      throw escaped("parse", t, in);
    }
  }

  private static void checkMessage(InvalidEventException e, Input in) {
    if (e.getMessage() == null
        || e.getMessage().isBlank()
        || (e.field() != null && !FIELDS.contains(e.field()))) {
      throw new AssertionError(
          "unclear rejection: field " + e.field() + ", message " + e.getMessage() + "\n" + in, e);
    }
  }

  private static AssertionError escaped(String method, Throwable t, Input in) {
    return new AssertionError(
        method + " let " + t.getClass().getName() + " escape: " + t.getMessage() + "\n" + in, t);
  }

  /**
   * Property 2: an accepted event, written back as JSON (or as a tombstone) and parsed again, is
   * equal.
   */
  private static void roundTrip(ChangeEvent e, Input in) {
    byte[] key = e.id().getBytes(UTF_8);
    byte[] json = null;
    try {
      ChangeEvent back;
      if (in.value == null) {
        back = PARSER.parse(key, null, e.type());
      } else {
        json = MAPPER.writeValueAsBytes(toJson(e, in));
        back = PARSER.parse(key, json, e.type());
      }
      if (!sameEvent(e, back)) {
        throw new AssertionError(
            "round trip changed the event:\n  "
                + describe(e)
                + "\n  "
                + describe(back)
                + "\n  written back: "
                + show(json)
                + "\n"
                + in);
      }
    } catch (InvalidEventException x) {
      if (json != null && hasUnreadableNumber(e.properties())) {
        // Known, reported to the lead: BigDecimal.toString() writes e.g. 12345e2147483647 as
        // 1.2345E+2147483651, whose exponent no BigDecimal (so no Jackson) reads back.
        if (!x.getMessage().startsWith("malformed JSON")
            || !x.getMessage().contains("Exponent overflow")) {
          throw new AssertionError(
              "unexpected rejection of the written-back event: " + x.getMessage() + "\n" + in, x);
        }
        Statistics.label("round trip")
            .collect("number with an exponent beyond int, not readable back");
        return;
      }
      throw new AssertionError(
          "round trip rejected the event: "
              + x.getMessage()
              + "\n  written back: "
              + show(json)
              + "\n"
              + in,
          x);
    } catch (AssertionError failure) {
      throw failure;
    } catch (Throwable t) {
      throw escaped("round trip", t, in);
    }
  }

  private static ObjectNode toJson(ChangeEvent e, Input in) throws Exception {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", e.type());
    o.put("op", e.op().name());
    o.put("id", e.id());
    if (e.version() != null) {
      o.put("version", e.version().longValue());
    }
    if (e.occurredAt() != null) {
      o.put("occurredAt", RFC3339_OUT.format(e.occurredAt()));
    } else {
      // EventParser accepts what the contract's pattern accepts, but some of it has no
      // OffsetDateTime:
      // an offset beyond +-18:00, or more than 9 digits of fraction. It keeps null then; the text
      // is
      // all there is to write back.
      // Read as EventParser reads: from a String (Jackson's byte and char parsers differ on
      // limits).
      String text = MAPPER.readTree(new String(in.value, UTF_8)).get("occurredAt").asText();
      if (!NO_OFFSET_DATE_TIME.matcher(text).find()) {
        throw new AssertionError("occurredAt '" + text + "' was accepted as null\n" + in);
      }
      o.put("occurredAt", text);
    }
    if (e.properties() != null) {
      o.set("properties", e.properties());
    }
    if (e.vector() != null) {
      ArrayNode a = o.putArray("vector");
      for (float f : e.vector()) {
        a.add(f);
      }
    }
    return o;
  }

  /** More than 9 digits of fraction, or an offset beyond +-18:00. */
  private static final Pattern NO_OFFSET_DATE_TIME =
      Pattern.compile("\\.[0-9]{10,}|[+-](18:(0[1-9]|[1-5][0-9])|(19|2[0-3]):[0-5][0-9])$");

  /**
   * Fields compared one by one; properties as JSON with numbers by value; vector elements by value.
   */
  static boolean sameEvent(ChangeEvent a, ChangeEvent b) {
    return a.type().equals(b.type())
        && a.op() == b.op()
        && a.id().equals(b.id())
        && Objects.equals(a.version(), b.version())
        && Objects.equals(a.occurredAt(), b.occurredAt())
        && (a.properties() == null
            ? b.properties() == null
            : b.properties() != null && a.properties().equals(BY_VALUE, b.properties()))
        && sameVector(a.vector(), b.vector());
  }

  /** Leaves: numbers by value (1.0 is written back as 1, read as an int), the rest by equals. */
  private static final Comparator<JsonNode> BY_VALUE =
      (x, y) ->
          x.isNumber() && y.isNumber()
              ? x.decimalValue().compareTo(y.decimalValue())
              : x.equals(y) ? 0 : 1;

  /** By value: -1e-400 is read as -0.0f, which is written back as -0.0 and read as 0.0f. */
  private static boolean sameVector(float[] a, float[] b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A number whose BigDecimal.toString() has an exponent beyond int: no BigDecimal reads it back.
   */
  private static boolean hasUnreadableNumber(JsonNode n) {
    if (n == null) {
      return false;
    }
    if (n.isNumber()) {
      BigDecimal d = n.decimalValue();
      long exponent = (long) d.precision() - d.scale() - 1;
      return exponent > Integer.MAX_VALUE || exponent < Integer.MIN_VALUE;
    }
    for (JsonNode child : n) {
      if (hasUnreadableNumber(child)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(ChangeEvent e) {
    return "ChangeEvent["
        + e.type()
        + ", "
        + e.op()
        + ", "
        + e.id()
        + ", v"
        + e.version()
        + ", "
        + e.occurredAt()
        + ", "
        + e.properties()
        + ", "
        + Arrays.toString(e.vector())
        + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs.

  /**
   * One record: key, value, the topic's type, how it was made, and (for families that start from a
   * valid event) the canonical id of that event.
   */
  static final class Input {
    final String family;
    final String how;
    final byte[] key;
    final byte[] value;
    final String expectedType;
    final String canonicalId;

    Input(
        String family,
        String how,
        byte[] key,
        byte[] value,
        String expectedType,
        String canonicalId) {
      this.family = family;
      this.how = how;
      this.key = key;
      this.value = value;
      this.expectedType = expectedType;
      this.canonicalId = canonicalId;
    }

    @Override
    public String toString() {
      return "  family: "
          + family
          + "\n  how: "
          + how
          + "\n  expectedType: "
          + quoteJava(expectedType)
          + "\n  key: "
          + show(key)
          + "\n  value: "
          + show(value);
    }
  }

  private static Arbitrary<Input> inputs(Function<Random, Input> generator) {
    return Arbitraries.randomValue(generator);
  }

  @Provide
  Arbitrary<Input> randomBytesInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          byte[] key =
              g.oneIn(4) ? null : g.oneIn(3) ? g.uuid().getBytes(UTF_8) : g.bytes(g.r.nextInt(48));
          byte[] value = g.oneIn(20) ? null : g.bytes(g.sizeUpTo(512));
          return new Input(
              "randomBytes", "random bytes", key, value, g.expectedType("ItemChanged"), null);
        });
  }

  @Provide
  Arbitrary<Input> jsonTokenInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          String value = g.tokenSoup(e);
          return new Input(
              "randomJsonTokens",
              "a sequence of JSON tokens and contract words",
              g.key(e),
              value.getBytes(UTF_8),
              g.expectedType(e.type),
              e.id);
        });
  }

  @Provide
  Arbitrary<Input> validEventInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          String expected = g.oneIn(6) ? null : e.type;
          return new Input(
              "validEvents",
              "valid " + e.op,
              e.id.getBytes(UTF_8),
              g.render(e).getBytes(UTF_8),
              expected,
              e.id);
        });
  }

  @Provide
  Arbitrary<Input> mutatedEventInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          StringBuilder how = new StringBuilder("valid ").append(e.op).append(", then");
          int memberMutations = g.oneIn(2) ? 0 : 1 + g.r.nextInt(3);
          for (int i = 0; i < memberMutations; i++) {
            how.append(' ').append(g.mutateMember(e));
          }
          byte[] value = g.render(e).getBytes(UTF_8);
          int byteMutations = memberMutations > 0 && g.oneIn(2) ? 0 : 1 + g.r.nextInt(4);
          for (int i = 0; i < byteMutations; i++) {
            value = g.mutateBytes(value, how);
          }
          return new Input(
              "mutatedEvents", how.toString(), g.key(e), value, g.expectedType(e.type), e.id);
        });
  }

  @Provide
  Arbitrary<Input> numberInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          StringBuilder how = new StringBuilder("valid ").append(e.op).append(" with");
          int n = 1 + g.r.nextInt(3);
          for (int i = 0; i < n; i++) {
            String number = g.strangeNumber();
            switch (g.r.nextInt(4)) {
              case 0 -> {
                e.set("version", number);
                how.append(" version ").append(abbreviate(number));
              }
              case 1 -> {
                e.set(
                    "vector",
                    "[" + (g.oneIn(2) ? "" : "0.5,") + number + (g.oneIn(2) ? "" : ",1") + "]");
                how.append(" vector element ").append(abbreviate(number));
              }
              case 2 -> {
                e.set("properties", "{\"n\":" + number + ",\"a\":[" + number + "]}");
                how.append(" properties number ").append(abbreviate(number));
              }
              default -> {
                e.add("\"extra\"", number);
                how.append(" unknown field ").append(abbreviate(number));
              }
            }
          }
          return new Input(
              "hugeAndTinyNumbers",
              how.toString(),
              e.id.getBytes(UTF_8),
              g.render(e).getBytes(UTF_8),
              g.oneIn(6) ? null : e.type,
              e.id);
        });
  }

  @Provide
  Arbitrary<Input> invalidUtf8Inputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          byte[] value = g.render(e).getBytes(UTF_8);
          byte[] key = e.id.getBytes(UTF_8);
          StringBuilder how = new StringBuilder("valid ").append(e.op).append(", then");
          int where = g.r.nextInt(3);
          if (where != 0) {
            value = g.spliceInvalidUtf8(value, how.append(" value:"));
          }
          if (where != 1) {
            key = g.spliceInvalidUtf8(key, how.append(" key:"));
          }
          return new Input(
              "invalidUtf8", how.toString(), key, value, g.oneIn(6) ? null : e.type, e.id);
        });
  }

  @Provide
  Arbitrary<Input> escapeInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          StringBuilder how = new StringBuilder("valid ").append(e.op).append(", then");
          byte[] value = g.render(e).getBytes(UTF_8);
          byte[] key = e.id.getBytes(UTF_8);
          int n = 1 + g.r.nextInt(3);
          for (int i = 0; i < n; i++) {
            int pick = g.r.nextInt(10);
            if (pick < 6) {
              value = g.insertOddity(value, how.append(" value:"));
            } else if (pick < 8) {
              String field = g.pick(e.names());
              String text = g.oddString();
              e.set(field, text);
              value = g.render(e).getBytes(UTF_8);
              how.append(" field ").append(field).append(" set to ").append(abbreviate(text));
            } else {
              key = g.insertOddity(key, how.append(" key:"));
            }
          }
          return new Input(
              "surrogatesNulsAndBoms",
              how.toString(),
              key,
              value,
              g.oneIn(6) ? null : e.type,
              e.id);
        });
  }

  @Provide
  Arbitrary<Input> keyInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          StringBuilder how = new StringBuilder("valid ").append(e.op).append(", key ");
          byte[] key = g.keyVariant(e.id, how);
          return new Input(
              "keysThatDifferFromTheId",
              how.toString(),
              key,
              g.render(e).getBytes(UTF_8),
              g.oneIn(6) ? null : e.type,
              e.id);
        });
  }

  @Provide
  Arbitrary<Input> tombstoneInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          StringBuilder how = new StringBuilder("tombstone, key ");
          String id = g.uuid();
          byte[] key =
              switch (g.r.nextInt(4)) {
                case 0 -> g.keyVariant(id, how);
                case 1 -> {
                  how.append("random bytes");
                  yield g.bytes(g.r.nextInt(40));
                }
                case 2 -> {
                  how.append("random text");
                  yield g.string(g.r.nextInt(40)).getBytes(UTF_8);
                }
                default -> {
                  how.append("canonical id");
                  yield id.getBytes(UTF_8);
                }
              };
          String expected =
              switch (g.r.nextInt(8)) {
                case 0 -> null;
                case 1 -> "TaskChanged";
                default -> "ItemChanged";
              };
          return new Input("tombstones", how.toString(), key, null, expected, id);
        });
  }

  @Provide
  Arbitrary<Input> nestingInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          int[] depths = {
            2, 10, 100, 497, 498, 499, 500, 501, 997, 998, 999, 1000, 1001, 1002, 2000, 10_000
          };
          int depth = g.oneIn(3) ? 1 + g.r.nextInt(1200) : depths[g.r.nextInt(depths.length)];
          String shape = g.pick(List.of("arrays", "objects", "mixed"));
          boolean closed = !g.oneIn(5);
          String nested = g.nested(depth, shape, closed);
          String where =
              g.pick(
                  List.of("properties", "property", "vector", "version", "unknown", "root", "id"));
          String value;
          switch (where) {
            case "properties" -> {
              e.set("properties", nested);
              value = g.render(e);
            }
            case "property" -> {
              e.set("properties", "{\"deep\":" + nested + "}");
              value = g.render(e);
            }
            case "root" -> value = nested;
            default -> {
              e.set(where.equals("unknown") ? "deep" : where, nested);
              value = g.render(e);
            }
          }
          return new Input(
              "deepNesting",
              depth + "-level " + shape + (closed ? "" : " (unclosed)") + " in " + where,
              e.id.getBytes(UTF_8),
              value.getBytes(UTF_8),
              g.oneIn(6) ? null : e.type,
              e.id);
        });
  }

  @Provide
  Arbitrary<Input> longStringInputs() {
    return inputs(
        r -> {
          Gen g = new Gen(r);
          Event e = g.event();
          // Jackson's limit on names is 50,000 chars; its char parser checks it as its buffer
          // grows.
          int[] lengths = {
            1_000, 4_096, 10_000, 16_384, 32_767, 32_768, 40_000, 49_999, 50_000, 50_001, 65_536,
            100_000
          };
          int length = g.oneIn(3) ? lengths[g.r.nextInt(lengths.length)] : g.r.nextInt(20_000);
          String text = g.oneIn(2) ? "x".repeat(length) : g.longString(length);
          String where =
              g.pick(
                  List.of(
                      "property value",
                      "property name",
                      "type",
                      "op",
                      "id",
                      "occurredAt",
                      "key",
                      "unknown field name"));
          byte[] key = e.id.getBytes(UTF_8);
          switch (where) {
            case "property value" -> e.set("properties", "{\"long\":" + g.quote(text, 0) + "}");
            case "property name" -> e.set("properties", "{" + g.quote(text, 0) + ":1}");
            case "unknown field name" -> e.add(g.quote(text, 0), "1");
            case "key" -> key = text.getBytes(UTF_8);
            default -> e.set(where, g.quote(text, 0));
          }
          return new Input(
              "longStrings",
              length + " chars in " + where,
              key,
              g.render(e).getBytes(UTF_8),
              g.oneIn(6) ? null : e.type,
              e.id);
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Building blocks.

  /** An event as its members' JSON texts, so that members can be removed, doubled or retyped. */
  static final class Event {
    final String id;
    final String type;
    final String op;
    final List<String[]> members = new ArrayList<>();

    Event(String id, String type, String op) {
      this.id = id;
      this.type = type;
      this.op = op;
    }

    void add(String quotedName, String valueJson) {
      members.add(new String[] {quotedName, valueJson});
    }

    /**
     * Replaces the value of the member named {@code name}; adds one at the end when missing or
     * spelt with escapes (Jackson keeps the last of two equal names).
     */
    void set(String name, String valueJson) {
      String quoted = "\"" + name + "\"";
      for (String[] m : members) {
        if (m[0].equals(quoted)) {
          m[1] = valueJson;
          return;
        }
      }
      add(quoted, valueJson);
    }

    List<String> names() {
      List<String> names = new ArrayList<>();
      for (String[] m : members) {
        names.add(m[0].substring(1, m[0].length() - 1));
      }
      return names;
    }
  }

  /** Generators on top of jqwik's Random. */
  static final class Gen {
    final Random r;

    Gen(Random r) {
      this.r = r;
    }

    boolean oneIn(int n) {
      return r.nextInt(n) == 0;
    }

    <T> T pick(List<T> list) {
      return list.get(r.nextInt(list.size()));
    }

    /** Mostly small, sometimes up to max. */
    int sizeUpTo(int max) {
      return oneIn(4) ? r.nextInt(max + 1) : r.nextInt(Math.min(max, 64) + 1);
    }

    byte[] bytes(int n) {
      byte[] b = new byte[n];
      r.nextBytes(b);
      return b;
    }

    String uuid() {
      return new UUID(r.nextLong(), r.nextLong()).toString();
    }

    String expectedType(String type) {
      return switch (r.nextInt(10)) {
        case 0 -> null;
        case 1 -> type.equals("ItemChanged") ? "TaskChanged" : "ItemChanged";
        default -> type;
      };
    }

    /** The record key for a (possibly mutated) event: mostly its canonical id. */
    byte[] key(Event e) {
      return switch (r.nextInt(12)) {
        case 0 -> null;
        case 1 -> keyVariant(e.id, new StringBuilder());
        default -> e.id.getBytes(UTF_8);
      };
    }

    /** A valid event of the contract, with a canonical id, in one of its many spellings. */
    Event event() {
      String id = uuid();
      String type = oneIn(2) ? "ItemChanged" : "TaskChanged";
      String op = oneIn(3) ? "DELETE" : "UPSERT";
      Event e = new Event(id, type, op);
      e.add(name("type"), quote(type));
      e.add(name("op"), quote(op));
      String idText =
          switch (r.nextInt(5)) {
            case 0 -> id.toUpperCase(Locale.ROOT);
            case 1 -> mixedCase(id);
            default -> id;
          };
      e.add(name("id"), quote(idText));
      switch (r.nextInt(6)) {
        case 0 -> {}
        case 1 -> e.add(name("version"), "null");
        default -> e.add(name("version"), version());
      }
      e.add(name("occurredAt"), quote(timestamp()));
      if (op.equals("UPSERT")) {
        e.add(name("properties"), object(0));
      } else {
        switch (r.nextInt(4)) {
          case 0 -> e.add(name("properties"), "null");
          case 1 -> e.add(name("properties"), object(0));
          default -> {}
        }
      }
      switch (r.nextInt(4)) {
        case 0 -> e.add(name("vector"), "null");
        case 1 -> e.add(name("vector"), vector());
        default -> {}
      }
      if (oneIn(4)) {
        e.add(quote(oneIn(2) ? "source" : string(1 + r.nextInt(8))), value(1));
      }
      java.util.Collections.shuffle(e.members, r);
      return e;
    }

    /** A field name, sometimes with escapes that spell the same name ("\u0074ype"). */
    String name(String field) {
      return oneIn(10) ? quote(field, 0.5) : "\"" + field + "\"";
    }

    String mixedCase(String s) {
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        b.append(r.nextBoolean() ? Character.toUpperCase(c) : c);
      }
      return b.toString();
    }

    /** A version the contract accepts: an integer in [0, 2^63 - 1], sometimes spelt 3.0 or 1e2. */
    String version() {
      long v =
          switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE - r.nextInt(3);
            case 2 -> r.nextLong() & Long.MAX_VALUE;
            default -> r.nextInt(1_000_000);
          };
      return switch (r.nextInt(8)) {
        case 0 -> v + "." + "0".repeat(1 + r.nextInt(3));
        case 1 -> {
          // d.ddd..e+k: the same integer in scientific notation.
          BigDecimal d = BigDecimal.valueOf(v);
          int k = d.precision() - 1;
          yield k == 0
              ? v + "e0"
              : d.movePointLeft(k).toPlainString() + (oneIn(2) ? "e" : "E+") + k;
        }
        case 2 -> v == 0 ? "0e-1" : v + "0e-1";
        default -> Long.toString(v);
      };
    }

    /**
     * Matches the contract's pattern; some of these (Feb 30, +19:00, 10 fraction digits) are odd.
     */
    String timestamp() {
      StringBuilder b = new StringBuilder(40);
      int year = oneIn(10) ? r.nextInt(10_000) : 1970 + r.nextInt(130);
      pad(b, year, 4).append('-');
      pad(b, 1 + r.nextInt(12), 2).append('-');
      pad(b, 1 + (oneIn(5) ? r.nextInt(31) : r.nextInt(28)), 2).append(oneIn(10) ? 't' : 'T');
      pad(b, r.nextInt(24), 2).append(':');
      pad(b, r.nextInt(60), 2).append(':');
      pad(b, r.nextInt(60), 2);
      if (oneIn(2)) {
        b.append('.');
        int digits = oneIn(20) ? 1 + r.nextInt(15) : 1 + r.nextInt(9);
        for (int i = 0; i < digits; i++) {
          b.append((char) ('0' + r.nextInt(10)));
        }
      }
      switch (r.nextInt(5)) {
        case 0 -> b.append('Z');
        case 1 -> b.append('z');
        default -> {
          b.append(r.nextBoolean() ? '+' : '-');
          pad(b, oneIn(10) ? r.nextInt(24) : r.nextInt(15), 2).append(':');
          pad(b, oneIn(2) ? 0 : r.nextInt(60), 2);
        }
      }
      return b.toString();
    }

    static StringBuilder pad(StringBuilder b, int n, int width) {
      String s = Integer.toString(n);
      for (int i = s.length(); i < width; i++) {
        b.append('0');
      }
      return b.append(s);
    }

    String vector() {
      int n = 1 + (oneIn(10) ? r.nextInt(300) : r.nextInt(8));
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append(
            switch (r.nextInt(6)) {
              case 0 -> Integer.toString(r.nextInt(2001) - 1000);
              case 1 ->
                  Float.toString(Float.intBitsToFloat(r.nextInt()) % 1e30f).replace("NaN", "0");
              case 2 ->
                  pick(
                      List.of(
                          "3.4028235e38",
                          "-3.4028235e38",
                          "1.4e-45",
                          "-1e-400",
                          "1e-400",
                          "0.0",
                          "-0",
                          "3.4028234663852886e38",
                          "0.1000000000000000055511151231257827"));
              default -> Float.toString(r.nextFloat() * 2 - 1);
            });
      }
      return b.append(']').toString();
    }

    /** A JSON object of properties: strings, numbers, booleans, nulls, arrays and objects. */
    String object(int depth) {
      int n = depth > 2 ? r.nextInt(2) : r.nextInt(5);
      StringBuilder b = new StringBuilder("{");
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append(
                quote(
                    oneIn(3)
                        ? pick(List.of("title", "price", "tags", "type", "id", "", "op"))
                        : string(r.nextInt(10))))
            .append(':')
            .append(value(depth + 1));
      }
      return b.append('}').toString();
    }

    String value(int depth) {
      int pick = r.nextInt(depth > 3 ? 6 : 8);
      return switch (pick) {
        case 0, 1 -> quote(string(r.nextInt(16)));
        case 2 -> number();
        case 3 -> pick(List.of("true", "false"));
        case 4 -> "null";
        case 5 -> quote(oneIn(2) ? "Desk lamp" : uuid());
        case 6 -> {
          int n = r.nextInt(4);
          StringBuilder b = new StringBuilder("[");
          for (int i = 0; i < n; i++) {
            b.append(i > 0 ? "," : "").append(value(depth + 1));
          }
          yield b.append(']').toString();
        }
        default -> object(depth + 1);
      };
    }

    /** An ordinary JSON number: ints, longs, decimals, exponents. */
    String number() {
      return switch (r.nextInt(6)) {
        case 0 -> Integer.toString(r.nextInt(1000));
        case 1 -> Long.toString(r.nextLong());
        case 2 -> BigDecimal.valueOf(r.nextInt(1_000_000), r.nextInt(8)).toPlainString();
        case 3 -> Double.toString(r.nextDouble() * 1000);
        case 4 -> (r.nextInt(2000) - 1000) + "e" + (r.nextInt(40) - 20);
        default ->
            Double.toString(Double.longBitsToDouble(r.nextLong()))
                .replace("NaN", "1")
                .replace("Infinity", "2");
      };
    }

    private static final List<String> STRANGE_NUMBERS =
        List.of(
            "1e400",
            "-1e400",
            "1e-400",
            "-1e-400",
            "1E+400",
            "18446744073709551616",
            "18446744073709551615",
            "-18446744073709551616",
            "9223372036854775808",
            "9223372036854775807",
            "-9223372036854775808",
            "-9223372036854775809",
            "9223372036854775807.0",
            "9223372036854775807.5",
            "9223372036854775808e0",
            "92233720368547758070e-1",
            "922337203685477580.7e1",
            "1e19",
            "1e18",
            "-0",
            "-0.0",
            "0.0",
            "0e0",
            "-0e-0",
            "0E+0",
            "0.000e5",
            "1e2147483647",
            "-1e2147483647",
            "1e-2147483647",
            "100e2147483647",
            "-100e2147483647",
            "12345e2147483647",
            "1.5e2147483647",
            "1e2147483648",
            "1e-2147483648",
            "0e-2147483648",
            "0e2147483647",
            "0.0e-2147483647",
            "0.1e-2147483647",
            "1e9999999999",
            "1e-9999999999",
            "0e9999999999",
            "1e00000000000000000001",
            "1e-00000000000000000001",
            "4.9e-324",
            "2.4e-324",
            "1.7976931348623157e308",
            "1.8e308",
            "-1.8e308",
            "3.4028235e38",
            "3.4028234663852886e38",
            "3.40282356779733661637539395458142568448e38",
            "3.4028236e38",
            "3.5e38",
            "-3.4028235e38",
            "-3.5e38",
            "1.4e-45",
            "0.7e-45",
            "1e-46",
            "-1e-46",
            "NaN",
            "Infinity",
            "-Infinity",
            "+1",
            "01",
            "-01",
            ".5",
            "1.",
            "0x10",
            "1e",
            "1e+",
            "--1",
            "1_000",
            "\"1\"",
            "true",
            "[]",
            "{}",
            "1.0e+1",
            "3.0",
            "1e2",
            "300E-2");

    /**
     * A number from the edges: beyond 64 bits, float and double; underflows; exponents beyond int.
     */
    String strangeNumber() {
      return switch (r.nextInt(8)) {
        case 0, 1, 2, 3 -> pick(STRANGE_NUMBERS);
        case 4 -> digits(pick(List.of(19, 20, 39, 309, 999, 1000, 1001, 1500)), true);
        case 5 -> "0." + "0".repeat(r.nextInt(1100)) + "1";
        case 6 ->
            digits(1 + r.nextInt(30), false)
                + "e"
                + (r.nextBoolean() ? "-" : "")
                + pick(
                    List.of(
                        "2147483647",
                        "2147483646",
                        "2147483648",
                        "2147483649",
                        "4294967296",
                        "400",
                        "45",
                        "324",
                        Long.toString(r.nextLong() & Long.MAX_VALUE)));
        default ->
            (r.nextBoolean() ? "-" : "")
                + digits(1 + r.nextInt(25), false)
                + (r.nextBoolean() ? "." + digits(1 + r.nextInt(25), true) : "")
                + (r.nextBoolean() ? "e" + (r.nextInt(1000) - 500) : "");
      };
    }

    String digits(int n, boolean leadingZeroOk) {
      StringBuilder b = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        b.append((char) ('0' + (i == 0 && !leadingZeroOk ? 1 + r.nextInt(9) : r.nextInt(10))));
      }
      return b.toString();
    }

    /**
     * Text with ASCII, other BMP characters, astral characters and (as escapes) control characters.
     */
    String string(int length) {
      StringBuilder b = new StringBuilder(length);
      while (b.length() < length) {
        int kind = r.nextInt(10);
        if (kind < 6) {
          b.append((char) (0x20 + r.nextInt(0x5f)));
        } else if (kind < 8) {
          char c = (char) (0xa0 + r.nextInt(0xd800 - 0xa0));
          b.append(c);
        } else if (kind < 9) {
          b.appendCodePoint(0x10000 + r.nextInt(0x10ffff - 0x10000));
        } else {
          b.append((char) r.nextInt(0x20));
        }
      }
      return b.toString();
    }

    /** A long text: a random chunk, repeated (cheaper than drawing every character). */
    String longString(int length) {
      String chunk = string(1 + r.nextInt(200));
      StringBuilder b = new StringBuilder(length + chunk.length());
      while (b.length() < length) {
        b.append(chunk);
      }
      // Cut at length, but not between the halves of a surrogate pair.
      int end =
          length < b.length() && Character.isLowSurrogate(b.charAt(length)) ? length + 1 : length;
      return b.substring(0, end);
    }

    String quote(String s) {
      return quote(s, oneIn(8) ? 0.2 : 0);
    }

    /** A JSON string literal; escapes what JSON needs, lone surrogates, and at random some more. */
    String quote(String s, double escapeRate) {
      StringBuilder b = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean pair =
            Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else if (pair) {
          // Both halves raw or both escaped: one raw half would be a lone surrogate in UTF-8 ('?').
          char low = s.charAt(++i);
          if (escapeRate > 0 && r.nextDouble() < escapeRate) {
            unicodeEscape(b, c);
            unicodeEscape(b, low);
          } else {
            b.append(c).append(low);
          }
        } else if (c < 0x20
            || Character.isSurrogate(c)
            || (escapeRate > 0 && r.nextDouble() < escapeRate)) {
          unicodeEscape(b, c);
        } else {
          b.append(c);
        }
      }
      return b.append('"').toString();
    }

    void unicodeEscape(StringBuilder b, char c) {
      String hex = Integer.toHexString(c);
      b.append("\\u");
      for (int i = hex.length(); i < 4; i++) {
        b.append('0');
      }
      b.append(oneIn(2) ? hex : hex.toUpperCase(Locale.ROOT));
    }

    /** The event as JSON text, with some whitespace between tokens now and then. */
    String render(Event e) {
      boolean spaced = oneIn(5);
      StringBuilder b = new StringBuilder(256);
      if (spaced) {
        b.append(ws());
      }
      b.append('{');
      for (int i = 0; i < e.members.size(); i++) {
        String[] m = e.members.get(i);
        if (i > 0) {
          b.append(',');
        }
        if (spaced) {
          b.append(ws())
              .append(m[0])
              .append(ws())
              .append(':')
              .append(ws())
              .append(m[1])
              .append(ws());
        } else {
          b.append(m[0]).append(':').append(m[1]);
        }
      }
      b.append('}');
      if (spaced) {
        b.append(ws());
      }
      return b.toString();
    }

    String ws() {
      return pick(List.of("", " ", "\n", "\t", "\r\n", "  "));
    }

    /** One change to the members: remove, double, retype, rename, or respell one of them. */
    String mutateMember(Event e) {
      if (e.members.isEmpty()) {
        e.add(quote(pick(List.of("type", "op", "id"))), value(0));
        return "added a member";
      }
      int i = r.nextInt(e.members.size());
      String[] m = e.members.get(i);
      switch (r.nextInt(7)) {
        case 0 -> {
          e.members.remove(i);
          return "removed " + m[0];
        }
        case 1 -> {
          String v = oneIn(2) ? m[1] : otherValue(m[0]);
          e.members.add(r.nextInt(e.members.size() + 1), new String[] {m[0], v});
          return "doubled " + m[0] + " as " + abbreviate(v);
        }
        case 2 -> {
          m[1] = otherKind(m[1]);
          return "retyped " + m[0] + " to " + abbreviate(m[1]);
        }
        case 3 -> {
          String old = m[0];
          m[0] =
              pick(
                  List.of(
                      old.toUpperCase(Locale.ROOT),
                      " " + old.substring(1),
                      old.replace("\"", "\"\\u0020"),
                      quote(old.substring(1, old.length() - 1) + "\u0000"),
                      "\"\"",
                      old + " "));
          return "renamed " + old + " to " + m[0];
        }
        case 4 -> {
          m[1] = otherValue(m[0]);
          return "changed " + m[0] + " to " + abbreviate(m[1]);
        }
        case 5 -> {
          // Respell a string value: case, padding, or escapes that spell the same text.
          if (m[1].startsWith("\"")) {
            String text = unquoteSimple(m[1]);
            m[1] =
                switch (r.nextInt(5)) {
                  case 0 -> quote(text.toLowerCase(Locale.ROOT));
                  case 1 -> quote(text.toUpperCase(Locale.ROOT));
                  case 2 -> quote(" " + text);
                  case 3 -> quote(text + "\n");
                  default -> quote(text, 0.5);
                };
          }
          return "respelt " + m[0] + " as " + abbreviate(m[1]);
        }
        default -> {
          // Another field's value: the id in "version", a timestamp in "id", properties in "op"...
          String[] other = e.members.get(r.nextInt(e.members.size()));
          other[1] = m[1];
          return "copied the value of " + m[0] + " to " + other[0];
        }
      }
    }

    /** A value a contract field could plausibly be given by mistake. */
    String otherValue(String quotedName) {
      return switch (r.nextInt(8)) {
        case 0 -> quote(uuid());
        case 1 ->
            quote(
                pick(
                    List.of(
                        "UPSERT",
                        "DELETE",
                        "upsert",
                        "MERGE",
                        "ItemChanged",
                        "TaskChanged",
                        "Invoice",
                        "itemchanged",
                        "",
                        " ")));
        case 2 -> quote(timestamp());
        case 3 -> version();
        case 4 -> strangeNumber();
        case 5 -> vector();
        case 6 -> object(0);
        default -> value(0);
      };
    }

    String otherKind(String json) {
      return pick(
          List.of(
              "null",
              "true",
              "false",
              "0",
              "-1",
              "1.5",
              "\"\"",
              "[]",
              "{}",
              "[" + json + "]",
              "{\"v\":" + json + "}",
              json.startsWith("\"") ? json.substring(1, json.length() - 1) : "\"" + json + "\""));
    }

    /** The text of a string literal we wrote ourselves (only the escapes quote() writes). */
    static String unquoteSimple(String literal) {
      try {
        return MAPPER.readTree(literal).asText();
      } catch (Exception e) {
        return literal.substring(1, literal.length() - 1);
      }
    }

    private static final List<byte[]> TOKENS =
        List.of(
            b("{"),
            b("}"),
            b("["),
            b("]"),
            b(":"),
            b(","),
            b("\""),
            b("\\"),
            b("null"),
            b("true"),
            b("-"),
            b("1e400"),
            b("\\ud800"),
            b("\\u0000"),
            b("\u0000"),
            b("\uFEFF"),
            new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
            new byte[] {(byte) 0xc0, (byte) 0x80},
            new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            new byte[] {(byte) 0x80},
            b("\"type\":"),
            b("\"id\":"),
            b("\"version\":"),
            b("\"vector\":[1,"),
            b("\"properties\":{"),
            b("/*"),
            b("//"),
            b("'"),
            b("NaN"),
            b("\n"),
            b("9223372036854775808"),
            b("}}}}"));

    /** Byte-level changes: flips, truncation, insertion, deletion, duplication. */
    byte[] mutateBytes(byte[] v, StringBuilder how) {
      if (v.length == 0) {
        how.append(" inserted into empty");
        return pick(TOKENS).clone();
      }
      int at = r.nextInt(v.length);
      switch (r.nextInt(7)) {
        case 0 -> {
          byte[] c = v.clone();
          c[at] = (byte) r.nextInt(oneIn(4) ? 256 : 128); // mostly ASCII, so mostly still UTF-8
          how.append(" byte@").append(at).append('=').append(c[at] & 0xff);
          return c;
        }
        case 1 -> {
          byte[] c = v.clone();
          c[at] ^= (byte) (1 << r.nextInt(8));
          how.append(" bitflip@").append(at);
          return c;
        }
        case 2 -> {
          how.append(" truncated@").append(at);
          return Arrays.copyOf(v, at);
        }
        case 3 -> {
          byte[] ins = oneIn(2) ? pick(TOKENS) : bytes(1 + r.nextInt(8));
          how.append(" inserted ").append(show(ins)).append('@').append(at);
          return splice(v, at, 0, ins);
        }
        case 4 -> {
          int len = 1 + r.nextInt(Math.min(16, v.length - at));
          how.append(" deleted ").append(len).append('@').append(at);
          return splice(v, at, len, new byte[0]);
        }
        case 5 -> {
          int len = 1 + r.nextInt(Math.min(32, v.length - at));
          how.append(" duplicated ").append(len).append('@').append(at);
          return splice(v, at, 0, Arrays.copyOfRange(v, at, at + len));
        }
        default -> {
          int other = r.nextInt(v.length);
          byte[] c = v.clone();
          byte t = c[at];
          c[at] = c[other];
          c[other] = t;
          how.append(" swapped@").append(at).append(',').append(other);
          return c;
        }
      }
    }

    static byte[] splice(byte[] v, int at, int remove, byte[] insert) {
      byte[] out = new byte[v.length - remove + insert.length];
      System.arraycopy(v, 0, out, 0, at);
      System.arraycopy(insert, 0, out, at, insert.length);
      System.arraycopy(v, at + remove, out, at + insert.length, v.length - at - remove);
      return out;
    }

    private static final List<byte[]> INVALID_UTF8 =
        List.of(
            raw(0xc0, 0x80),
            raw(0xc0, 0xaf),
            raw(0xc1, 0xbf),
            raw(0xe0, 0x80, 0x80),
            raw(0xe0, 0x80, 0xaf),
            raw(0xe0, 0x9f, 0xbf),
            raw(0xf0, 0x80, 0x80, 0x80),
            raw(0xf0, 0x8f, 0xbf, 0xbf),
            raw(0x80),
            raw(0xbf),
            raw(0x80, 0x80),
            raw(0xed, 0xa0, 0x80),
            raw(0xed, 0xbf, 0xbf),
            raw(0xed, 0xb0, 0x80),
            raw(0xed, 0xa0, 0xbd, 0xed, 0xb2, 0xa9),
            raw(0xf4, 0x90, 0x80, 0x80),
            raw(0xf5, 0x80, 0x80, 0x80),
            raw(0xf8, 0x88, 0x80, 0x80, 0x80),
            raw(0xfc, 0x84, 0x80, 0x80, 0x80, 0x80),
            raw(0xfe),
            raw(0xff),
            raw(0xc2),
            raw(0xe2, 0x82),
            raw(0xf0, 0x9f, 0x92),
            raw(0xfe, 0xff),
            raw(0xff, 0xfe),
            raw(0xc2, 0x41),
            raw(0xe2, 0x28, 0xa1));

    /**
     * Overlong encodings, lone continuation bytes, CESU-8 surrogates, beyond U+10FFFF, truncated
     * sequences.
     */
    byte[] spliceInvalidUtf8(byte[] v, StringBuilder how) {
      byte[] bad = pick(INVALID_UTF8);
      int at = v.length == 0 ? 0 : r.nextInt(v.length + 1);
      how.append(' ').append(show(bad)).append('@').append(at);
      return splice(v, at, 0, bad);
    }

    private static final List<String> ODDITIES =
        List.of(
            "\\ud800",
            "\\udfff",
            "\\udc00\\ud800",
            "\\uD83D",
            "\\ud83d\\ude00",
            "\\ud800\\u0041",
            "\\u0000",
            "\u0000",
            "\\u0000\\u0000",
            "\uFEFF",
            "\\ufeff",
            "\ufffe",
            "\uffff",
            "\\uffff",
            "\u2028",
            "\\u001f",
            "\u001f",
            "\u007f",
            "\u0085",
            "\\/",
            "\\x41",
            "\\u12",
            "\\",
            "\\'");

    /** Lone surrogates in escapes, NULs (raw and escaped), BOMs and friends at a random place. */
    byte[] insertOddity(byte[] v, StringBuilder how) {
      byte[] odd =
          oneIn(6) ? new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf} : b(pick(ODDITIES));
      int at = oneIn(4) ? 0 : oneIn(3) ? v.length : r.nextInt(v.length + 1);
      how.append(' ').append(show(odd)).append('@').append(at);
      return splice(v, at, 0, odd);
    }

    /** A string literal with surrogate escapes, NULs or BOMs in it. */
    String oddString() {
      StringBuilder b = new StringBuilder("\"");
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        b.append(
            oneIn(2) ? pick(ODDITIES) : string(r.nextInt(4)).replace("\\", "").replace("\"", ""));
      }
      String s = b.append('"').toString();
      // Raw control characters other than NUL are escaped here; NUL stays raw to test it.
      StringBuilder out = new StringBuilder();
      for (char c : s.toCharArray()) {
        if (c < 0x20 && c != 0) {
          unicodeEscape(out, c);
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    /**
     * The id in a spelling that is not its canonical form (or, now and then, the canonical one).
     */
    byte[] keyVariant(String id, StringBuilder how) {
      String[] names = {
        "canonical",
        "upper-case",
        "mixed case",
        "leading space",
        "trailing space",
        "tab",
        "newline",
        "NBSP",
        "braces",
        "urn:uuid:",
        "no hyphens",
        "BOM",
        "NUL",
        "another id",
        "empty",
        "fullwidth digits",
        "Cyrillic a",
        "null",
        "canonical plus NUL byte",
        "half the id"
      };
      int pick = r.nextInt(names.length);
      how.append(names[pick]);
      String k =
          switch (pick) {
            case 0 -> id;
            case 1 -> id.toUpperCase(Locale.ROOT);
            case 2 -> mixedCase(id);
            case 3 -> " " + id;
            case 4 -> id + " ";
            case 5 -> id + "\t";
            case 6 -> id + "\n";
            case 7 -> "\u00a0" + id;
            case 8 -> "{" + id + "}";
            case 9 -> "urn:uuid:" + id;
            case 10 -> id.replace("-", "");
            case 11 -> "\uFEFF" + id;
            case 12 -> "\u0000" + id;
            case 13 -> uuid();
            case 14 -> "";
            case 15 -> id.replace('1', '\uFF11');
            case 16 -> id.replace('a', '\u0430');
            case 17 -> null;
            case 18 -> id + "\u0000";
            default -> id.substring(0, 18);
          };
      return k == null ? null : k.getBytes(UTF_8);
    }

    /** Nested arrays or objects, closed or not. */
    String nested(int depth, String shape, boolean closed) {
      StringBuilder open = new StringBuilder(depth * 6);
      StringBuilder close = new StringBuilder(depth);
      for (int i = 0; i < depth; i++) {
        boolean array = shape.equals("arrays") || shape.equals("mixed") && (i & 1) == 0;
        open.append(array ? "[" : "{\"a\":");
        close.append(array ? ']' : '}');
      }
      open.append(oneIn(2) ? "1" : "\"x\"");
      return closed ? open.append(close.reverse()).toString() : open.toString();
    }

    /** Tokens of JSON and of the contract in random order: structurally plausible garbage. */
    String tokenSoup(Event e) {
      List<String> words =
          List.of(
              "{",
              "}",
              "[",
              "]",
              ":",
              ",",
              "\"type\"",
              "\"op\"",
              "\"id\"",
              "\"version\"",
              "\"occurredAt\"",
              "\"properties\"",
              "\"vector\"",
              quote(e.type),
              "\"UPSERT\"",
              "\"DELETE\"",
              quote(e.id),
              "null",
              "true",
              "1",
              "-0",
              "1e400",
              "\"\"",
              quote(timestamp()),
              " ");
      int n = sizeUpTo(80);
      StringBuilder b = new StringBuilder();
      if (oneIn(2)) {
        b.append('{');
      }
      for (int i = 0; i < n; i++) {
        b.append(pick(words));
      }
      return b.toString();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // How many inputs each family gets.

  /** This property's share of the inputs. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface Share {
    double value();
  }

  /** Sets each property's tries to its share of {@code fuzz.inputs}. */
  static final class Budget implements AroundPropertyHook {
    @Override
    public PropagationMode propagateTo() {
      return PropagationMode.DIRECT_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(
        PropertyLifecycleContext context, PropertyExecutor property) {
      context
          .findAnnotation(Share.class)
          .ifPresent(
              share ->
                  context
                      .attributes()
                      .setTries((int) Math.max(1, Math.round(totalInputs() * share.value()))));
      return property.execute();
    }
  }

  static long totalInputs() {
    String configured = System.getProperty("fuzz.inputs");
    return configured == null || configured.isBlank()
        ? DEFAULT_INPUTS
        : Long.parseLong(configured.trim());
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers.

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  static byte[] raw(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] copy(byte[] b) {
    return b == null ? null : b.clone();
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 40) + "...(" + s.length() + " chars)";
  }

  /** Bytes as a Java literal when they are UTF-8, else as hex; long ones by head and tail. */
  static String show(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    String text = utf8OrNull(bytes);
    String shown = text != null ? quoteJava(text) : "hex " + hex(bytes);
    if (shown.length() > 4000) {
      shown =
          shown.substring(0, 2000)
              + " ...("
              + bytes.length
              + " bytes in all)... "
              + shown.substring(shown.length() - 1000);
    }
    return shown;
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length * 3);
    for (byte x : bytes) {
      b.append(Character.forDigit((x >> 4) & 0xf, 16))
          .append(Character.forDigit(x & 0xf, 16))
          .append(' ');
    }
    return b.toString().trim();
  }

  static String quoteJava(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return b.append('"').toString();
  }
}
