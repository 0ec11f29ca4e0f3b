package dev.weaviatesync.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeakScanTest {
  private static final String KEY = "key-a-5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  private static final String PASSWORD = "pw-0123456789";

  @Test
  void shouldNameFileAndLineAndShowOnlyMaskedForms(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("worker.log");
    Files.writeString(
        log,
        "starting\n"
            + "weaviate.api.key="
            + KEY
            + " and password="
            + PASSWORD
            + "\n"
            + "fine\n"
            + "\u00ff\u0000 binary noise "
            + PASSWORD
            + "\n");
    Path clean = dir.resolve("sub/clean.txt");
    Files.createDirectories(clean.getParent());
    Files.writeString(clean, "weaviate.api.key=********\n");

    var result = LeakScan.scan(LeakScan.files(List.of(dir)), List.of(KEY, PASSWORD));

    assertThat(result.files()).isEqualTo(2);
    assertThat(result.findings())
        .extracting(f -> f.file().getFileName() + ":" + f.line())
        .containsExactly("worker.log:2", "worker.log:2", "worker.log:4");
    String shown = result.findings().toString();
    assertThat(shown)
        .doesNotContain(KEY)
        .doesNotContain(PASSWORD)
        .contains("weaviate.api.key=<secret #1: ke*** (42 chars)>")
        .contains("password=<secret #2: pw*** (13 chars)>");
  }

  @Test
  void shouldShowNothingOfAShortSecret() {
    assertThat(LeakScan.mask("hunter2", 3)).isEqualTo("<secret #3: *** (7 chars)>");
  }

  @Test
  void shouldMaskASecretThatContainsAnotherWhole() {
    assertThat(LeakScan.maskAll("x " + KEY + " y", List.of("5f1c2a3b-4d5e", KEY)))
        .isEqualTo("x <secret #2: ke*** (42 chars)> y");
  }
}
