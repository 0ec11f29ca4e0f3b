package dev.weaviatesync.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs found by {@link EventParserFuzzTest} that made something other than InvalidEventException
 * escape.
 */
class EventParserRegressionTest {
  private static final String ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  private final EventParser parser = new EventParser(Set.of("ItemChanged", "TaskChanged"));

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String event(String version, String extra) {
    return "{\"type\":\"ItemChanged\",\"op\":\"UPSERT\",\"id\":\""
        + ID
        + "\",\"version\":"
        + version
        + ",\"occurredAt\":\"2026-11-29T10:15:30Z\",\"properties\":{\"title\":\"x\"}"
        + extra
        + "}";
  }

  /** Jackson threw NumberFormatException for these: BigDecimal's scale is an int. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1e9999999999",
        "1e-2147483648",
        "0e-2147483648",
        "0.0e-2147483647",
        "1e2147483648"
      })
  void shouldRejectANumberWhoseExponentIsBeyondIntAsMalformedJson(String number) {
    for (String json :
        new String[] {
          event(number, ""),
          event("1", ",\"vector\":[" + number + "]"),
          event("1", ",\"properties\":{\"n\":" + number + "}"),
          event("1", ",\"unknown\":" + number)
        }) {
      assertThatThrownBy(() -> parser.parse(b(ID), b(json), "ItemChanged"))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageStartingWith("malformed JSON: ")
          .hasMessageContaining(number)
          .extracting(e -> ((InvalidEventException) e).field())
          .isNull();
    }
  }

  /**
   * version() stripped trailing zeros of 100e2147483647, whose scale then passed Integer.MIN_VALUE.
   */
  @Test
  void shouldRejectAVersionWithAHugeExponentAsBeyond64Bits() {
    assertThatThrownBy(() -> parser.parse(b(ID), b(event("100e2147483647", "")), "ItemChanged"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("version: must fit in 64 bits, not 1.00E+2147483649");
    assertThatThrownBy(() -> parser.parse(b(ID), b(event("-100e2147483647", "")), "ItemChanged"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("version: must be >= 0, not -1.00E+2147483649");
  }

  @Test
  void shouldStillReadIntegersWrittenWithAFractionOrAnExponentAsVersions() throws Exception {
    assertThat(parser.parse(b(ID), b(event("3.000", "")), "ItemChanged").version()).isEqualTo(3L);
    assertThat(parser.parse(b(ID), b(event("300e-2", "")), "ItemChanged").version()).isEqualTo(3L);
    assertThat(parser.parse(b(ID), b(event("1e2", "")), "ItemChanged").version()).isEqualTo(100L);
    assertThat(parser.parse(b(ID), b(event("0e2147483647", "")), "ItemChanged").version())
        .isEqualTo(0L);
    assertThat(parser.parse(b(ID), b(event("9223372036854775807e0", "")), "ItemChanged").version())
        .isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> parser.parse(b(ID), b(event("1e-2147483647", "")), "ItemChanged"))
        .hasMessageStartingWith("version: must be an integer, not ");
  }
}
