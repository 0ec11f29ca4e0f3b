package dev.weaviatesync.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Loads a {@link SyncConfig}: defaults, then a properties file, then environment variables.
 *
 * <p>Environment mapping: {@code WEAVIATE_SYNC_FLUSH_MAX_RECORDS} → {@code flush.max.records},
 * {@code WEAVIATE_SYNC_TYPE_ITEMCHANGED_TOPIC} → {@code type.ItemChanged.topic} (type names match
 * case-insensitively), {@code KAFKA_MAX_POLL_RECORDS} → {@code kafka.max.poll.records} (only names
 * that are real Kafka settings, so {@code KAFKA_HEAP_OPTS} and friends are left alone).
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static SyncConfig load(Path file, Map<String, String> env) {
    var values = new LinkedHashMap<String, String>();
    if (file != null) {
      values.putAll(readFile(file));
    }
    values.putAll(fromEnv(env, values));
    return SyncConfig.of(values);
  }

  static Map<String, String> readFile(Path file) {
    var props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (NoSuchFileException e) {
      throw new ConfigException("--config", "file not found: " + file);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
    }
    var out = new LinkedHashMap<String, String>();
    props.stringPropertyNames().forEach(k -> out.put(k.trim(), props.getProperty(k).trim()));
    return out;
  }

  static Map<String, String> fromEnv(Map<String, String> env, Map<String, String> fileValues) {
    var out = new LinkedHashMap<String, String>();
    Set<String> kafkaNames = kafkaConfigNames();
    // Types may themselves come from the environment; resolve them first.
    String types = env.getOrDefault(Keys.TYPES.envName(), fileValues.getOrDefault(Keys.TYPES.name(), Keys.TYPES.defaultValue()));
    for (var e : env.entrySet()) {
      String var = e.getKey();
      if (var.startsWith(ConfigKey.ENV_PREFIX)) {
        out.put(appKey(var, types), e.getValue());
      } else if (var.startsWith("KAFKA_")) {
        String name = var.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        if (kafkaNames.contains(name)) {
          out.put("kafka." + name, e.getValue());
        }
      }
    }
    return out;
  }

  private static String appKey(String var, String types) {
    for (ConfigKey k : Keys.FIXED) {
      if (k.envName().equals(var)) {
        return k.name();
      }
    }
    String prefix = ConfigKey.ENV_PREFIX + "TYPE_";
    if (var.startsWith(prefix)) {
      String rest = var.substring(prefix.length());
      for (String t : types.split(",")) {
        String type = t.trim();
        for (String field : new String[] {"TOPIC", "COLLECTION", "PROPERTIES"}) {
          if (rest.equals(type.toUpperCase(Locale.ROOT) + "_" + field)) {
            return "type." + type + "." + field.toLowerCase(Locale.ROOT);
          }
        }
      }
    }
    throw new ConfigException(var, "unknown environment variable (see `weaviate-sync run --help` for the list)");
  }

  private static Set<String> kafkaConfigNames() {
    var names = new HashSet<String>();
    names.addAll(StreamsConfig.configDef().names());
    names.addAll(ConsumerConfig.configNames());
    names.addAll(ProducerConfig.configNames());
    names.addAll(AdminClientConfig.configNames());
    return names;
  }
}
