package dev.weaviatesync.cli;

import dev.weaviatesync.config.ConfigLoader;
import dev.weaviatesync.config.SyncConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every command shares: a file, the environment, and --set overrides. */
final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Properties file with configuration keys (see `weaviate-sync run --help`).")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one key (after the file and the environment). Repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /**
   * Loads the configuration, or prints the error (naming the key) and returns null: exit with
   * {@link Main#USAGE}.
   */
  SyncConfig loadOrReport(java.io.PrintWriter err) {
    try {
      return load();
    } catch (dev.weaviatesync.config.ConfigException e) {
      err.println("configuration error: " + e.getMessage());
      return null;
    }
  }

  SyncConfig load() {
    SyncConfig base = ConfigLoader.load(file, System.getenv());
    return overrides.isEmpty() ? base : base.with(overrides);
  }
}
