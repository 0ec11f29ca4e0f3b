package dev.weaviatesync.stack;

import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqReader;
import dev.weaviatesync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One test's isolated slice of the shared stack: its own topics, collections, application id and
 * state directory, so tests never see each other's data.
 */
public final class Scenario implements AutoCloseable {
  private static final AtomicInteger SEQ = new AtomicInteger();

  public final String prefix;
  public final String itemType = "ItemChanged";
  public final String taskType = "TaskChanged";
  public final String itemTopic;
  public final String taskTopic;
  public final String itemCollection;
  public final String taskCollection;
  public final String dlqTopic;
  private final LocalStack stack;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final KafkaProducer<byte[], byte[]> producer;

  public Scenario(LocalStack stack, String name, int partitions) throws Exception {
    this(stack, name, partitions, Map.<String, Object>of("bootstrap.servers", stack.bootstrap()));
  }

  /**
   * Same, on another broker: {@code kafkaClient} are the Kafka client settings (bootstrap servers
   * and security) of a user that may create this scenario's topics and write to them; they are used
   * for that and for {@link #send}, not put into the worker's configuration (but for the bootstrap
   * servers).
   */
  public Scenario(LocalStack stack, String name, int partitions, Map<String, Object> kafkaClient)
      throws Exception {
    this.stack = stack;
    int n = SEQ.incrementAndGet();
    this.prefix = name.toLowerCase() + "-" + n + "-" + System.currentTimeMillis() % 100000;
    String cap =
        Character.toUpperCase(name.charAt(0)) + name.substring(1).replaceAll("[^A-Za-z0-9]", "");
    this.itemTopic = prefix + "-item-changed";
    this.taskTopic = prefix + "-task-changed";
    this.itemCollection = "Item" + cap + n + System.currentTimeMillis() % 100000;
    this.taskCollection = "Task" + cap + n + System.currentTimeMillis() % 100000;
    this.dlqTopic = prefix + "-dlq";
    Path state = Files.createTempDirectory("weaviate-sync-state");
    values.put("kafka.bootstrap.servers", (String) kafkaClient.get("bootstrap.servers"));
    values.put("kafka.application.id", prefix);
    values.put("kafka.state.dir", state.toString());
    values.put("kafka.session.timeout.ms", "10000");
    values.put("kafka.heartbeat.interval.ms", "1000");
    values.put("type.ItemChanged.topic", itemTopic);
    values.put("type.ItemChanged.collection", itemCollection);
    values.put("type.ItemChanged.properties", "title:text,price:number,tags:text[],stock:int");
    values.put("type.TaskChanged.topic", taskTopic);
    values.put("type.TaskChanged.collection", taskCollection);
    values.put("type.TaskChanged.properties", "title:text,done:boolean");
    values.put("weaviate.http.port", Integer.toString(stack.weaviateHttpPort()));
    values.put("weaviate.grpc.port", Integer.toString(stack.weaviateGrpcPort()));
    values.put("dlq.topic", dlqTopic);
    values.put("flush.interval.ms", "200");
    values.put("outage.probe.interval.ms", "500");
    values.put("summary.interval.ms", "5000");
    values.put("admin.host", "127.0.0.1");
    values.put("admin.port", "0");
    try (Admin admin = Admin.create(kafkaClient)) {
      // Created and waited on until every partition accepts writes (Topics explains why).
      Topics.createAndAwait(
          admin,
          List.of(
              new NewTopic(itemTopic, partitions, (short) 1),
              new NewTopic(taskTopic, partitions, (short) 1),
              new NewTopic(dlqTopic, 1, (short) 1)),
          Duration.ofSeconds(60));
    }
    var p = new Properties();
    p.putAll(kafkaClient);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The configuration as CLI arguments ({@code --set k=v ...}). */
  public List<String> cliArgs() {
    var args = new ArrayList<String>();
    values.forEach(
        (k, v) -> {
          args.add("--set");
          args.add(k + "=" + v);
        });
    return args;
  }

  /** A free loopback port, for a worker process whose admin endpoint a test reads. */
  public static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  public Scenario set(String key, String value) {
    values.put(key, value);
    return this;
  }

  public SyncConfig config() {
    return SyncConfig.of(values);
  }

  /** The configuration as a properties file, for a worker started as a process. */
  /**
   * A {@link dev.weaviatesync.producer.ChangePublisher} for this scenario's types, topics and
   * broker.
   */
  public dev.weaviatesync.producer.ChangePublisher publisher() {
    var topics = new LinkedHashMap<String, String>();
    config().types().forEach(t -> topics.put(t.name(), t.topic()));
    return dev.weaviatesync.producer.ChangePublisher.builder()
        .bootstrapServers(config().bootstrapServers())
        .topics(topics)
        .build();
  }

  public Path writeConfig() throws Exception {
    Path f = Files.createTempFile("weaviate-sync", ".properties");
    var sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    Files.writeString(f, sb.toString());
    return f;
  }

  public void send(String topic, String key, String value) {
    producer.send(
        new ProducerRecord<>(
            topic,
            null,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value == null ? null : value.getBytes(StandardCharsets.UTF_8),
            new RecordHeaders()));
  }

  public void sendBytes(String topic, byte[] key, byte[] value, RecordHeaders headers) {
    producer.send(new ProducerRecord<>(topic, null, key, value, headers));
  }

  public void flush() {
    producer.flush();
  }

  public List<ConsumerRecord<byte[], byte[]>> dlqRecords() {
    var out = new ArrayList<ConsumerRecord<byte[], byte[]>>();
    DlqReader.readAll(config(), out::add);
    return out;
  }

  public WeaviateRest weaviate() {
    return stack.weaviate();
  }

  @Override
  public void close() {
    producer.close();
  }
}
