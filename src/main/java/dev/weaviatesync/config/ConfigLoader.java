package dev.weaviatesync.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
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
  /** Prefix of the environment variables that set application keys. */
  public static final String ENV_PREFIX = "WEAVIATE_SYNC_";

  private ConfigLoader() {}

  public static SyncConfig load(Path file, Map<String, String> env) {
    return load(file, env, Map.of());
  }

  /**
   * Defaults &lt; {@code file} &lt; {@code env} &lt; {@code overrides} ({@code --set}). The types
   * that decide which per-type variables exist come from all three, so {@code --set
   * types=...,InvoiceChanged} admits {@code WEAVIATE_SYNC_TYPE_INVOICECHANGED_TOPIC}.
   */
  public static SyncConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
    var values = new LinkedHashMap<String, String>();
    if (file != null) {
      values.putAll(readFile(file));
    }
    values.putAll(fromEnv(env, values, overrides.get(Keys.TYPES)));
    values.putAll(overrides);
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
    // A byte order mark (editors on Windows write one) would otherwise become part of the first
    // key.
    props
        .stringPropertyNames()
        .forEach(k -> out.put(k.replace("\uFEFF", "").trim(), props.getProperty(k).trim()));
    return out;
  }

  static Map<String, String> fromEnv(
      Map<String, String> env, Map<String, String> fileValues, String typesOverride) {
    var out = new LinkedHashMap<String, String>();
    Set<String> kafkaNames = KAFKA_NAMES;
    // Types may themselves come from the environment; resolve them first.
    String fromFileOrEnv =
        env.getOrDefault(
            envName(Keys.TYPES),
            fileValues.getOrDefault(
                Keys.TYPES,
                ConfigDef.convertToString(
                    Keys.DEF.defaultValues().get(Keys.TYPES), ConfigDef.Type.LIST)));
    String types = typesOverride != null ? typesOverride : fromFileOrEnv;
    for (var e : env.entrySet()) {
      String var = e.getKey();
      if (var.startsWith(ENV_PREFIX)) {
        String key = appKeyOrNull(var, types);
        if (key == null && isServiceLink(var, e.getValue())) {
          continue;
        }
        if (key == null) {
          throw new ConfigException(
              var, "unknown environment variable (see `weaviate-sync run --help` for the list)");
        }
        if (SERVICE_LINK_VALUE.matcher(e.getValue()).matches()) {
          throw new ConfigException(
              var,
              "'"
                  + e.getValue()
                  + "' looks like a Kubernetes service link of a Service "
                  + "whose name starts with weaviate-sync-; set enableServiceLinks: false in the pod spec (the Helm "
                  + "chart does) or rename that Service");
        }
        out.put(key, e.getValue());
      } else if (var.startsWith("KAFKA_")) {
        String name = var.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        if (kafkaNames.contains(name)) {
          out.put("kafka." + name, e.getValue());
        }
      }
    }
    return out;
  }

  /**
   * {@code flush.max.records} → {@code WEAVIATE_SYNC_FLUSH_MAX_RECORDS}; {@code kafka.x.y} → {@code
   * KAFKA_X_Y}.
   */
  public static String envName(String key) {
    if (key.startsWith("kafka.")) {
      return "KAFKA_" + key.substring("kafka.".length()).replace('.', '_').toUpperCase(Locale.ROOT);
    }
    return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Kubernetes injects, for every Service in the namespace, {@code <NAME>_SERVICE_HOST}, {@code
   * <NAME>_SERVICE_PORT[_<port name>]}, {@code <NAME>_PORT} and {@code
   * <NAME>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]} (name upper-cased, '-' as '_') into every pod
   * unless {@code enableServiceLinks: false}. A Service named {@code weaviate-sync} (the release
   * name most users type) or {@code weaviate-sync-*} therefore puts variables with our prefix into
   * the pod. They are recognised by their names and, where the name alone could be a misspelt
   * setting, by the shape of their values, and ignored; anything else unknown is an error.
   */
  private static final String LINK_PREFIX = Pattern.quote(ENV_PREFIX) + "(?:[A-Z0-9_]+_)?";

  /**
   * {@code <NAME>_PORT=tcp://10.0.0.1:8081} and {@code <NAME>_PORT_8081_TCP=tcp://10.0.0.1:8081}.
   */
  private static final Pattern LINK_URL_NAME =
      Pattern.compile(LINK_PREFIX + "PORT(?:_[0-9]+_(?:TCP|UDP|SCTP))?");

  /** Names no setting of ours can be mistaken for: host, port numbers, protocol. */
  private static final Pattern LINK_OTHER_NAME =
      Pattern.compile(
          LINK_PREFIX
              + "(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT_[0-9]+_(?:TCP|UDP|SCTP)_(?:PROTO|PORT|ADDR))");

  private static final Pattern SERVICE_LINK_VALUE =
      Pattern.compile("(?:tcp|udp|sctp)://\\S+:[0-9]+");

  static boolean isServiceLink(String var, String value) {
    return LINK_OTHER_NAME.matcher(var).matches()
        || LINK_URL_NAME.matcher(var).matches() && SERVICE_LINK_VALUE.matcher(value).matches();
  }

  private static String appKeyOrNull(String var, String types) {
    for (String key : Keys.DEF.names()) {
      if (envName(key).equals(var)) {
        return key;
      }
    }
    for (String t : types.split(",")) {
      String type = t.trim();
      for (String key : Keys.TYPE_DEF.names()) {
        if (envName("type." + type + "." + key).equals(var)) {
          return "type." + type + "." + key;
        }
      }
    }
    return null;
  }

  /** The prefixes Kafka Streams gives settings meant for one of its clients or its topics. */
  private static final List<String> STREAMS_PREFIXES =
      List.of(
          StreamsConfig.MAIN_CONSUMER_PREFIX,
          StreamsConfig.RESTORE_CONSUMER_PREFIX,
          StreamsConfig.GLOBAL_CONSUMER_PREFIX,
          StreamsConfig.CONSUMER_PREFIX,
          StreamsConfig.PRODUCER_PREFIX,
          StreamsConfig.ADMIN_CLIENT_PREFIX);

  /**
   * A setting Kafka Streams or one of its clients knows ({@code security.protocol}), the same for
   * one client ({@code producer.max.request.size}), or a topic setting ({@code
   * topic.retention.ms}).
   */
  static boolean isKafkaSetting(String name) {
    if (name.startsWith(StreamsConfig.TOPIC_PREFIX)) {
      return TOPIC_NAMES.contains(name.substring(StreamsConfig.TOPIC_PREFIX.length()));
    }
    for (String prefix : STREAMS_PREFIXES) {
      if (name.startsWith(prefix)) {
        return KAFKA_NAMES.contains(name.substring(prefix.length()));
      }
    }
    return KAFKA_NAMES.contains(name);
  }

  /** The declarations of Kafka Streams and its clients, to check {@code kafka.*} values with. */
  private static final List<ConfigDef> KAFKA_DEFS =
      List.of(
          StreamsConfig.configDef(),
          ProducerConfig.configDef(),
          ConsumerConfig.configDef(),
          AdminClientConfig.configDef());

  /**
   * Checks one Kafka setting's value (name without {@code kafka.}, client prefix allowed) against
   * Kafka's own declaration of its type and allowed values, and a SASL JAAS configuration's syntax,
   * so that a bad value is a configuration error at load, naming the key, instead of a failure when
   * a client is built. A secret's value and the parser's words about it are never repeated.
   *
   * @throws ConfigException naming {@code kafka.<name>}
   */
  static void checkKafkaValue(String name, String value) {
    String bare = name;
    for (String prefix : STREAMS_PREFIXES) {
      if (name.startsWith(prefix)) {
        bare = name.substring(prefix.length());
        break;
      }
    }
    for (ConfigDef def : KAFKA_DEFS) {
      ConfigDef.ConfigKey key = def.configKeys().get(bare);
      if (key == null) {
        continue;
      }
      boolean secret = key.type == ConfigDef.Type.PASSWORD;
      try {
        Object parsed = ConfigDef.parseType(bare, value, key.type);
        if (key.validator != null) {
          key.validator.ensureValid(bare, parsed);
        }
      } catch (org.apache.kafka.common.config.ConfigException e) {
        throw new ConfigException(
            "kafka." + name,
            secret
                ? "not a valid value (not shown: it is a secret)"
                : "Kafka refuses it: " + e.getMessage());
      }
    }
    if (bare.equals(org.apache.kafka.common.config.SaslConfigs.SASL_JAAS_CONFIG)
        && !value.isBlank()) {
      try {
        org.apache.kafka.common.security.JaasContext.loadClientContext(
            Map.of(bare, new org.apache.kafka.common.config.types.Password(value)));
      } catch (RuntimeException e) {
        // The parser quotes the token it stumbled on, which may be the password.
        throw new ConfigException(
            "kafka." + name,
            "not a valid JAAS configuration; expected one line such as"
                + " org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"...\" password=\"...\"; (the parser's message is not shown: it"
                + " may quote the secret)");
      }
    }
  }

  private static final Set<String> KAFKA_NAMES = kafkaConfigNames();
  private static final Set<String> TOPIC_NAMES = topicConfigNames();

  private static Set<String> topicConfigNames() {
    var names = new HashSet<String>();
    for (var f : org.apache.kafka.common.config.TopicConfig.class.getFields()) {
      if (f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return names;
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
