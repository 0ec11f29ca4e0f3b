package dev.weaviatesync.worker;

import dev.weaviatesync.config.EntityType;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.sink.BatchWriter;
import dev.weaviatesync.sink.CollectionManager;
import dev.weaviatesync.sink.FatalSinkException;
import dev.weaviatesync.sink.SinkAvailability;
import dev.weaviatesync.sink.WeaviateClientSink;
import dev.weaviatesync.stats.SyncStats;
import dev.weaviatesync.topics.KafkaErrors;
import dev.weaviatesync.topics.Topics;
import dev.weaviatesync.topology.SyncTopology;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weaviate.client6.v1.api.WeaviateClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running worker: the shared Weaviate client, Kafka Streams, the availability probe and the
 * summary log, started in that order and closed in the reverse order — Kafka Streams first, the
 * Weaviate client last, also when start-up fails half-way.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final SyncConfig config;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SyncStats stats = new SyncStats(registry);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private WeaviateClient client;
  private SinkAvailability availability;
  private KafkaStreams streams;
  private ScheduledExecutorService summary;
  private AdminServer admin;
  private KafkaStreamsMetrics streamsMetrics;
  private WeaviateClientSink sink;
  private volatile boolean closed;

  private Worker(SyncConfig config) {
    this.config = config;
  }

  /**
   * Starts a worker. Throws (after releasing everything it had opened) when Kafka topics or
   * Weaviate collections are missing, or Weaviate cannot be reached.
   */
  public static Worker start(SyncConfig config) throws Exception {
    var w = new Worker(config);
    try {
      w.doStart();
      return w;
    } catch (Exception | Error e) {
      w.close();
      throw e;
    }
  }

  private void doStart() throws Exception {
    log.info("Starting weaviate-sync with {}", config.describe());
    int[] limits = ensureTopics();
    client = WeaviateClientSink.connect(config);
    CollectionManager.ensureCollections(client, config);
    sink = new WeaviateClientSink(client, config.types().get(0).collection());
    // Before the first record is read: a key that may not write fails here, not at the first batch.
    for (EntityType type : config.types()) {
      sink.checkPermissions(type.collection());
    }
    availability = new SinkAvailability(sink::isReady, config.outageProbeInterval());
    var services =
        new SyncTopology.Services(
            new BatchWriter(sink, availability::healthy, config, stats),
            availability,
            stats,
            limits[0],
            limits[1]);
    streams = new KafkaStreams(SyncTopology.build(config, services), config.streamsProperties());
    availability.onTransitions(streams::pause, streams::resume);
    availability.onFatal(
        e -> {
          if (failure.compareAndSet(null, e)) {
            log.error(
                "Stopping: {}. Nothing was dead-lettered for it; fix the key or its permissions and restart.",
                e.getMessage());
          }
          stopped.countDown();
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          FatalSinkException fatal = fatalCause(e);
          String why = fatal == null ? KafkaErrors.explain(e, config.bootstrapServers()) : null;
          if (fatal != null) {
            // Weaviate refused the worker (a key revoked, a permission taken away): one line that
            // says what was refused; the stack trace would only bury it.
            log.error(
                "Stopping: {}. Nothing was dead-lettered for it; fix the key or its permissions and restart.",
                fatal.getMessage());
          } else if (why != null) {
            log.error("A stream thread died; stopping the worker: {}", why, e);
          } else {
            log.error("A stream thread died; stopping the worker", e);
          }
          failure.compareAndSet(null, fatal != null ? fatal : e);
          stopped.countDown();
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          log.info("Kafka Streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING && !closed) {
            stopped.countDown();
          }
        });
    long every = config.summaryInterval().toMillis();
    if (every > 0) {
      summary =
          Executors.newSingleThreadScheduledExecutor(
              dev.weaviatesync.Daemons.named("weaviate-sync-summary"));
      summary.scheduleAtFixedRate(
          () -> log.info("summary: {}", stats.summary()), every, every, TimeUnit.MILLISECONDS);
    }
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    if (config.adminPort() >= 0) {
      admin =
          new AdminServer(
              config.adminHost(), config.adminPort(), this::liveness, this::readiness, registry);
    }
    streams.start();
  }

  /** The {@link FatalSinkException} a stream thread died of, under Kafka Streams' wrapping. */
  private static FatalSinkException fatalCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FatalSinkException f) {
        return f;
      }
    }
    return null;
  }

  /** Liveness: the process works and no stream thread has died. */
  AdminServer.Check liveness() {
    if (failure.get() != null) {
      return new AdminServer.Check(false, "a stream thread died: " + failure.get());
    }
    KafkaStreams.State s = streams.state();
    if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR) {
      return new AdminServer.Check(false, "Kafka Streams is " + s);
    }
    return new AdminServer.Check(true, "Kafka Streams is " + s);
  }

  /** Readiness: Kafka Streams is RUNNING and Weaviate answers. */
  AdminServer.Check readiness() {
    KafkaStreams.State s = streams.state();
    if (closed || s != KafkaStreams.State.RUNNING) {
      return new AdminServer.Check(false, closed ? "shutting down" : "Kafka Streams is " + s);
    }
    // From the background probe's state: never waits on Weaviate (a frozen Weaviate must not
    // starve the admin threads, and with them the liveness probe).
    if (availability.isDown() || !availability.healthy()) {
      return new AdminServer.Check(
          false, "Weaviate does not answer (REST readiness and gRPC, probed in the background)");
    }
    return new AdminServer.Check(true, "Kafka Streams RUNNING, Weaviate ready");
  }

  /** The admin endpoint's port, or -1 when it is off. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /**
   * Makes sure the input and dead-letter topics exist and accept writes.
   *
   * @return the largest record the worker may produce to the dead-letter topic, and to its
   *     changelogs
   */
  private int[] ensureTopics() throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> needed = new LinkedHashSet<>();
    config.types().stream().map(EntityType::topic).forEach(needed::add);
    needed.add(config.dlqTopic());
    try (Admin admin = Admin.create(config.clientProperties())) {
      List<String> missing = Topics.missing(admin, needed, Duration.ofSeconds(30));
      if (!missing.isEmpty() && !config.topicsCreate()) {
        throw new IllegalStateException(
            "Kafka topics " + missing + " do not exist; create them or set topics.create=true");
      }
      var topics = new ArrayList<NewTopic>();
      for (String t : missing) {
        var topic = new NewTopic(t, config.topicsPartitions(), config.topicsReplicationFactor());
        if (t.equals(config.dlqTopic())) {
          // Room for any record an input topic with Kafka's default limit took, plus our headers.
          topic.configs(
              Map.of(
                  "max.message.bytes", Integer.toString(SyncTopology.OWN_DLQ_MAX_MESSAGE_BYTES)));
        }
        topics.add(topic);
      }
      // Also waits for topics that exist: one created a moment ago by someone else is not writable
      // yet.
      var created = Topics.createAndAwait(admin, topics, Duration.ofSeconds(60));
      Topics.awaitWritable(admin, needed, Duration.ofSeconds(60));
      if (!created.isEmpty()) {
        log.info("Created topics {} with {} partitions", created, config.topicsPartitions());
      }
      Topics.requireOperations(admin, requiredOperations(admin), Duration.ofSeconds(30));
      return new int[] {
        maxRecordBytes(admin, List.of(config.dlqTopic()), Integer.MAX_VALUE),
        maxRecordBytes(admin, changelogs(), SyncTopology.OWN_TOPIC_MAX_MESSAGE_BYTES)
      };
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "Kafka at " + config.bootstrapServers() + " did not answer in time: " + e.getMessage());
    }
  }

  /**
   * What the worker does to each topic it uses: reads the input topics, writes the dead-letter
   * topic and reads its limits; and, on its changelogs that exist already (a restart), reads,
   * writes and reads their limits. The consumer group and the transactional ids are checked by
   * Kafka Streams itself, when it joins the group and starts its producers.
   */
  private Map<String, Set<AclOperation>> requiredOperations(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    var required = new java.util.LinkedHashMap<String, Set<AclOperation>>();
    config.types().forEach(t -> required.put(t.topic(), Set.of(AclOperation.READ)));
    required.put(config.dlqTopic(), Set.of(AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS));
    Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    for (EntityType t : config.types()) {
      for (String store : List.of(SyncTopology.pendingStore(t), SyncTopology.versionsStore(t))) {
        String c = config.applicationId() + "-" + store + "-changelog";
        if (existing.contains(c)) {
          required.put(
              c, Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS));
        }
      }
    }
    return required;
  }

  private List<String> changelogs() {
    return config.types().stream()
        .flatMap(
            t ->
                java.util.stream.Stream.of(
                    config.applicationId() + "-" + SyncTopology.pendingStore(t) + "-changelog",
                    SyncTopology.stateTopic(config.applicationId(), t)))
        .toList();
  }

  /**
   * The smaller of the Kafka Streams producer's {@code max.request.size} and the {@code
   * max.message.bytes} of those {@code topics} that exist ({@code ifNew} for topics Kafka Streams
   * will create itself).
   */
  private int maxRecordBytes(Admin admin, List<String> topics, int ifNew)
      throws InterruptedException, ExecutionException, TimeoutException {
    var props = config.streamsProperties();
    String request =
        props.getProperty(
            "producer.max.request.size", props.getProperty("max.request.size", "1048576"));
    long limit = Long.parseLong(request.trim());
    Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    if (!existing.containsAll(topics)) {
      limit = Math.min(limit, ifNew);
    }
    var resources =
        topics.stream()
            .filter(existing::contains)
            .map(
                t ->
                    new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t))
            .toList();
    for (var c : admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS).values()) {
      var entry = c.get("max.message.bytes");
      if (entry != null && entry.value() != null) {
        limit = Math.min(limit, Long.parseLong(entry.value()));
      }
    }
    log.info("Largest record for {}: {} bytes", topics, limit);
    return (int) Math.min(Integer.MAX_VALUE, limit);
  }

  public SyncStats stats() {
    return stats;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public boolean weaviateDown() {
    return availability != null && availability.isDown();
  }

  /**
   * Blocks until the worker stops by itself (a stream thread died) or {@link #close()} is called.
   */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Asks {@link #awaitStop()} to return; the caller then closes the worker. */
  public void requestStop() {
    stopped.countDown();
  }

  /** The error that stopped the worker, if it stopped by itself. */
  public Throwable failure() {
    return failure.get();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Duration grace = config.shutdownGrace();
    if (streams != null) {
      // REMAIN_IN_GROUP: what the close(KafkaStreams.CloseOptions) this replaces did (its
      // leaveGroup
      // defaulted to false); a restarted worker takes its partitions back without a rebalance
      // storm.
      var options =
          org.apache.kafka.streams.CloseOptions.timeout(grace)
              .withGroupMembershipOperation(
                  org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
      if (!streams.close(options)) {
        log.warn("Kafka Streams did not close within {}", grace);
      }
    }
    if (summary != null) {
      summary.shutdownNow();
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (availability != null) {
      availability.close();
    }
    if (client != null) {
      try {
        client.close();
      } catch (Exception e) {
        log.warn("Closing the Weaviate client failed: {}", e.toString());
      }
    }
    log.info("Stopped; final summary: {}", stats.summary());
    stopped.countDown();
  }
}
