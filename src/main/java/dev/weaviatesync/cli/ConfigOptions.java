package dev.weaviatesync.cli;

import dev.weaviatesync.config.ConfigLoader;
import dev.weaviatesync.config.SyncConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every command shares: a file, the environment, and --set overrides. */
final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Properties file with configuration keys (see `weaviate-sync run --help`).")
  Path file;

  /**
   * Kept as plain strings and split here, not by picocli: its map parsing echoes a malformed
   * argument, value and all, in errors and warnings, and the value may be a secret.
   */
  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one key (after the file and the environment). Repeatable.")
  List<String> overrides = new ArrayList<>();

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
    return ConfigLoader.load(file, System.getenv(), parse(overrides));
  }

  static Map<String, String> parse(List<String> sets) {
    var out = new LinkedHashMap<String, String>();
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new dev.weaviatesync.config.ConfigException(
            "--set",
            "takes KEY=VALUE; an argument has "
                + (eq == 0 ? "no key before '='" : "no '='")
                + " (not shown: its value may be a secret)");
      }
      out.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
    }
    return out;
  }
}
