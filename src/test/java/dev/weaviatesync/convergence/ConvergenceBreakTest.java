package dev.weaviatesync.convergence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaviatesync.config.SyncConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Found by hand against a real stack (issue 10, tester h-break10). Each test states what a user
 * saw; all of them fail on f86ace5.
 */
class ConvergenceBreakTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "11110000-0000-0000-0000-000000000008";

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  private static String diff(String source, String weaviate) throws Exception {
    return ObjectComparison.difference(
        json(source), null, new WeaviateObjects.Obj(ID, json(weaviate), null));
  }

  /**
   * An int property holding a timestamp in microseconds, edited by hand in Weaviate by 1 ms (PATCH
   * big=1764000000001000): verify reported nothing. The relative tolerance 1e-9 hides any
   * difference below 1.7 s here; Weaviate returns the number the event gave (both are the same
   * double), so no tolerance is needed.
   */
  @Test
  void aHandEditOfALargeIntegerIsStale() throws Exception {
    assertThat(diff("{\"big\":1764000000000000}", "{\"big\":1764000000001000}"))
        .isEqualTo("property big differs");
    assertThat(diff("{\"qty\":2000000000}", "{\"qty\":2000000001}"))
        .isEqualTo("property qty differs");
    assertThat(diff("{\"price\":123456789.12}", "{\"price\":123456789.13}"))
        .isEqualTo("property price differs");
  }

  /** What Weaviate returns for numbers the event gave is the same double: still no difference. */
  @Test
  void numbersAsWeaviateStoresThemAreNotStale() throws Exception {
    assertThat(diff("{\"qty\":1.0,\"price\":0.1}", "{\"qty\":1,\"price\":0.1}")).isNull();
    // int beyond 2^53: Weaviate keeps the nearest double, which is what the event parses to
    assertThat(diff("{\"big\":9007199254740993}", "{\"big\":9007199254740992}")).isNull();
  }

  /**
   * An event with property "Title" is accepted by Weaviate into property "title" (Weaviate
   * lower-cases the first letter of property names; a config "Title:text" creates "title" too).
   * verify then reports it stale ("properties Title, title differ") on every run; resync
   * republishes it, reports "applied", exit 0, and the next verify reports it again: never in sync.
   */
  @Test
  void aPropertyNameWithACapitalFirstLetterIsNotStale() throws Exception {
    assertThat(diff("{\"Title\":\"cap\"}", "{\"title\":\"cap\"}")).isNull();
  }

  /**
   * verify with an API key that holds a character a HTTP header cannot carry (a non-ASCII dash
   * pasted from a document, a control character) printed the key in its stack trace:
   * "java.lang.IllegalArgumentException: invalid header value: \"Bearer <the key>\"". The worker
   * with the same key prints no key.
   */
  @Test
  void anUnusableApiKeyIsNeverInTheError() {
    String key = "b10secret\u2013dash";
    var config = SyncConfig.of(Map.of("weaviate.api.key", key, "weaviate.http.port", "1"));
    var objects = new WeaviateObjects(config, new RateLimiter(0));
    Throwable t = catchThrowable(() -> objects.page("Item", null, 10));
    assertThat(t).isNotNull();
    for (Throwable c = t; c != null; c = c.getCause()) {
      assertThat(String.valueOf(c.getMessage())).doesNotContain("b10secret");
    }
  }
}
