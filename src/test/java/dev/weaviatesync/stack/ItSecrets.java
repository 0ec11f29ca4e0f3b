package dev.weaviatesync.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Every secret value the integration tests configure (API keys, SASL passwords, keystore
 * passwords): a test registers a value before it hands it to the worker, the CLI or a script, and
 * the leak check fails when any registered value appears in anything the tests logged or printed.
 * Values are kept in {@code target/it-secrets.txt}, one per line, so that checks in another JVM or
 * a script can read them too.
 */
public final class ItSecrets {
  private ItSecrets() {}

  /** Where the registered values are kept. */
  public static Path file() {
    return LocalStack.root().resolve("target/it-secrets.txt");
  }

  /**
   * Registers a secret value and returns it, for use inline: {@code key = register("k-" + uuid)}.
   */
  public static synchronized String register(String secret) {
    if (secret == null || secret.isBlank() || secret.contains("\n")) {
      throw new IllegalArgumentException("a secret must be one non-blank line");
    }
    try {
      Files.createDirectories(file().getParent());
      Files.writeString(
          file(),
          secret + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return secret;
  }

  /** The values registered so far (by any JVM of this build). */
  public static synchronized List<String> all() {
    try {
      return Files.exists(file())
          ? Files.readAllLines(file(), StandardCharsets.UTF_8).stream()
              .filter(s -> !s.isBlank())
              .distinct()
              .toList()
          : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
