package dev.weaviatesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weaviatesync.config.Keys;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.sink.Failure;
import dev.weaviatesync.stack.BadInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README true: every key, every DLQ header and failure category is documented, and the
 * bad-input table is the catalogue that {@code BadInputCatalogueIT} runs.
 */
class ReadmeTest {
  private static String readme() throws Exception {
    return Files.readString(Path.of("README.md"));
  }

  @Test
  void shouldDocumentEveryConfigurationKey() throws Exception {
    String readme = readme();
    for (Keys.Doc k : Keys.documented()) {
      assertThat(readme).as("README documents %s", k.name()).contains("`" + k.name() + "`");
    }
  }

  /** The README's configuration table as the declarations render it ({@link Keys#documented()}). */
  static List<String> configurationTable() {
    var rows =
        new ArrayList<>(List.of("| key | default | allowed | meaning |", "|---|---|---|---|"));
    for (Keys.Doc k : Keys.documented()) {
      String dflt =
          k.derivedDefault() != null
              ? k.derivedDefault()
              : k.defaultValue() == null
                  ? "none"
                  : k.defaultValue().isEmpty() ? "empty" : "`" + k.defaultValue() + "`";
      rows.add(
          String.join(
                  " | ",
                  "| `" + k.name() + "`",
                  dflt,
                  k.allowed() == null ? "" : k.allowed(),
                  k.documentation())
              + " |");
    }
    return rows;
  }

  @Test
  void shouldShowTheConfigurationTableAsTheDeclarationsRenderIt() throws Exception {
    List<String> lines = readme().lines().toList();
    int start = lines.indexOf("## Configuration");
    assertThat(start).as("README has the section '## Configuration'").isNotNegative();
    List<String> table =
        lines.stream()
            .skip(start + 1)
            .takeWhile(l -> !l.startsWith("#"))
            .filter(l -> l.startsWith("|"))
            .toList();
    String expected = String.join("\n", configurationTable());
    assertThat(String.join("\n", table))
        .as(
            "the README's configuration table is rendered from the declarations in Keys; replace it with:%n%n%s%n",
            expected)
        .isEqualTo(expected);
  }

  @Test
  void shouldDocumentEveryDeadLetterHeaderAndCategory() throws Exception {
    String readme = readme();
    for (String h :
        new String[] {
          DlqHeaders.EXCEPTION,
          DlqHeaders.MESSAGE,
          DlqHeaders.STACKTRACE,
          DlqHeaders.TOPIC,
          DlqHeaders.CATEGORY,
          DlqHeaders.ATTEMPTS,
          DlqHeaders.COLLECTION,
          DlqHeaders.EVENT_TYPE,
          DlqHeaders.FAILED_AT
        }) {
      assertThat(readme).contains("`" + h + "`");
    }
    for (Failure f : Failure.values()) {
      if (f.deadLettered()) {
        assertThat(readme).contains("`" + f.category() + "`");
      }
    }
  }

  @Test
  void shouldHaveExactlyTheTwoQuickStartCommands() throws Exception {
    String readme = readme();
    assertThat(readme)
        .contains("```\nbash scripts/demo.sh\n```")
        .contains("<!-- test-command")
        .contains("```\n./mvnw -B verify\n```");
  }

  @Test
  void shouldListExactlyTheBadInputCatalogueAfterTheDeadLetterSection() throws Exception {
    List<String> lines = readme().lines().toList();
    String title = "## Bad input: what each kind gets";
    int start = lines.indexOf(title);
    assertThat(start).as("README has the section '%s'", title).isNotNegative();
    List<String> headings = lines.stream().filter(l -> l.startsWith("## ")).toList();
    assertThat(headings.get(headings.indexOf(title) - 1))
        .as("the section before it")
        .isEqualTo("## Dead-letter records");
    List<String> table =
        lines.stream()
            .skip(start + 1)
            .takeWhile(l -> !l.startsWith("## "))
            .filter(l -> l.startsWith("|"))
            .toList();
    List<String> kinds = table.stream().skip(2).map(l -> l.substring(2, l.indexOf(" | "))).toList();
    assertThat(kinds)
        .as("the table's first column: the catalogue's case names, in its order (BadInputs.all())")
        .containsExactlyElementsOf(BadInputs.all().stream().map(BadInputs.Case::name).toList());
    assertThat(String.join("\n", table))
        .as("the table, row for row as the catalogue describes its cases (BadInputs.readmeTable())")
        .isEqualTo(String.join("\n", BadInputs.readmeTable()));
  }
}
