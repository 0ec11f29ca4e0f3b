package dev.weaviatesync.dlq;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.weaviatesync.config.SyncConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code dlq show} and {@code dlq list} print of a dead-letter record when properties are
 * configured as sensitive ({@code dlq.mask.properties}, {@code type.<Type>.dlq.mask.properties}).
 * Display only: the record itself, and what {@code dlq replay} sends, are never changed.
 *
 * <ul>
 *   <li>A value that is a JSON object or array: every field whose name is configured (ignoring
 *       case), at any depth, has its value, whatever it is, replaced by {@value #MASK}.
 *   <li>Any other value (not JSON, or a bare JSON string, number or literal, which may hold a whole
 *       event encoded twice) is not shown: {@link Masked#value()} says how many bytes it has.
 *   <li>Texts printed beside the value (the error message and stack trace headers, which can quote
 *       a value, e.g. Weaviate's "the given value is 'cheap'") have the masked values replaced:
 *       where they are quoted, and where they stand alone when at least 4 characters long; for a
 *       value that is not shown, every quoted fragment of it.
 * </ul>
 */
public final class DlqMask {
  /** What a masked value is replaced with. */
  public static final String MASK = "***";

  /** Strict: trailing content after the first value makes it not JSON (it would go unseen). */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Pattern QUOTED =
      Pattern.compile("'([^'\\n]{1,1000})'|\"([^\"\\n]{1,1000})\"");

  private final Function<String, Set<String>> namesOfType;

  /** {@code namesOfType}: the names to mask for a record of a type (null: of any type). */
  public DlqMask(Function<String, Set<String>> namesOfType) {
    this.namesOfType = namesOfType;
  }

  public static DlqMask of(SyncConfig config) {
    return new DlqMask(config::dlqMaskProperties);
  }

  /** Whether anything can be masked at all (some name is configured). */
  public boolean on() {
    return !namesOfType.apply(null).isEmpty();
  }

  /** A record's value parsed strictly, or null when it is not JSON. */
  public static JsonNode parse(byte[] value) {
    try {
      return value == null ? null : JSON.readTree(value);
    } catch (Exception e) {
      return null;
    }
  }

  /** The masked view of {@code r}. */
  public Masked apply(DlqRecord r) {
    Set<String> names = new LinkedHashSet<>();
    namesOfType.apply(r.type()).forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
    if (names.isEmpty() || r.value() == null) {
      return new Masked(names, parse(r.value()), null, 0, List.of(), null);
    }
    JsonNode tree = parse(r.value());
    if (tree != null && tree.isContainerNode()) {
      var values = new ArrayList<String>();
      int[] count = {0};
      JsonNode masked = mask(tree.deepCopy(), names, values, count);
      return new Masked(names, masked, null, count[0], values, null);
    }
    String hidden =
        "<"
            + r.value().length
            + " bytes, "
            + (tree == null ? "not JSON" : "not a JSON object or array")
            + ", not shown while masking is on>";
    return new Masked(
        names, null, hidden, 0, List.of(), new String(r.value(), StandardCharsets.UTF_8));
  }

  private static JsonNode mask(JsonNode node, Set<String> names, List<String> values, int[] count) {
    if (node instanceof ObjectNode o) {
      var fields = new ArrayList<String>();
      o.fieldNames().forEachRemaining(fields::add);
      for (String f : fields) {
        if (names.contains(f.toLowerCase(Locale.ROOT))) {
          leaves(o.get(f), values);
          o.set(f, TextNode.valueOf(MASK));
          count[0]++;
        } else {
          mask(o.get(f), names, values, count);
        }
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(e -> mask(e, names, values, count));
    }
    return node;
  }

  private static void leaves(JsonNode node, List<String> out) {
    if (node.isContainerNode()) {
      node.forEach(n -> leaves(n, out));
    } else if (!node.isNull() && !node.asText().isEmpty()) {
      out.add(node.asText());
      if (node.isNumber() && !node.toString().equals(node.asText())) {
        out.add(node.toString());
      }
    }
  }

  /**
   * One record as shown.
   *
   * @param names the names masked for its type (lower case); empty: nothing is masked
   * @param json the value with masked fields replaced, when it is a JSON object or array (or, with
   *     nothing to mask, any JSON); null otherwise
   * @param hidden what is shown instead of a value that is not a JSON object or array, while
   *     masking is on; null when the value is shown
   * @param fields how many fields were masked
   * @param values the masked values (their scalar parts), to take out of other texts
   * @param rawHidden the text of a hidden value, whose quoted fragments are taken out of other
   *     texts
   */
  public record Masked(
      Set<String> names,
      JsonNode json,
      String hidden,
      int fields,
      List<String> values,
      String rawHidden) {

    /** Whether masking applies to this record. */
    public boolean on() {
      return !names.isEmpty();
    }

    /**
     * {@code text} (a header of the record: its error message, its stack trace) with what was
     * masked in the value taken out.
     */
    public String text(String text) {
      if (text == null || !on()) {
        return text;
      }
      String out = text;
      if (rawHidden != null) {
        Matcher m = QUOTED.matcher(out);
        var sb = new StringBuilder();
        while (m.find()) {
          String inside = m.group(1) != null ? m.group(1) : m.group(2);
          String q = m.group(1) != null ? "'" : "\"";
          m.appendReplacement(
              sb, Matcher.quoteReplacement(rawHidden.contains(inside) ? q + MASK + q : m.group()));
        }
        m.appendTail(sb);
        out = sb.toString();
      }
      var longestFirst = new ArrayList<>(new LinkedHashSet<>(values));
      longestFirst.sort(Comparator.comparingInt(String::length).reversed());
      for (String v : longestFirst) {
        out =
            out.replace("'" + v + "'", "'" + MASK + "'")
                .replace("\"" + v + "\"", "\"" + MASK + "\"");
        if (v.length() >= 4) {
          out =
              out.replaceAll(
                  "(?<![\\p{L}\\p{N}])" + Pattern.quote(v) + "(?![\\p{L}\\p{N}])",
                  Matcher.quoteReplacement(MASK));
        }
      }
      return out;
    }

    /** A header of the record: masked whole when its name is one of the masked names. */
    public String header(String name, String value) {
      return on() && names.contains(name.toLowerCase(Locale.ROOT)) ? MASK : text(value);
    }

    /** The line that says what was masked (when {@link #on()}). */
    public String summary() {
      String what = String.join(", ", names);
      return hidden != null
          ? "the value is not shown ("
              + what
              + " configured in dlq.mask.properties); dlq replay sends the original bytes"
          : fields
              + " field"
              + (fields == 1 ? "" : "s")
              + " of "
              + what
              + " shown as "
              + MASK
              + " (dlq.mask.properties); dlq replay sends the original bytes";
    }
  }
}
