package dev.weaviatesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.config.ConfigKey;
import dev.weaviatesync.config.Keys;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.sink.Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README true: every key, every DLQ header and failure category is documented. */
class ReadmeTest {
  private static String readme() throws Exception {
    return Files.readString(Path.of("README.md"));
  }

  @Test
  void shouldDocumentEveryConfigurationKey() throws Exception {
    String readme = readme();
    for (ConfigKey k : Keys.ALL) {
      assertThat(readme).as("README documents %s", k.name()).contains("`" + k.name() + "`");
    }
  }

  @Test
  void shouldDocumentEveryDeadLetterHeaderAndCategory() throws Exception {
    String readme = readme();
    for (String h : new String[] {DlqHeaders.EXCEPTION, DlqHeaders.MESSAGE, DlqHeaders.STACKTRACE, DlqHeaders.TOPIC,
        DlqHeaders.CATEGORY, DlqHeaders.ATTEMPTS, DlqHeaders.COLLECTION, DlqHeaders.EVENT_TYPE, DlqHeaders.FAILED_AT}) {
      assertThat(readme).contains("`" + h + "`");
    }
    for (Failure f : Failure.values()) {
      assertThat(readme).contains("`" + f.name() + "`");
    }
  }

  @Test
  void shouldHaveExactlyTheTwoQuickStartCommands() throws Exception {
    String readme = readme();
    assertThat(readme).contains("```\nbash scripts/demo.sh\n```").contains("<!-- test-command").contains("```\n./mvnw -B verify\n```");
  }
}
