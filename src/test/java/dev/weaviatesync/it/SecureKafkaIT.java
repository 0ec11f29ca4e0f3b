package dev.weaviatesync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weaviatesync.config.SyncConfig;
import dev.weaviatesync.dlq.DlqHeaders;
import dev.weaviatesync.dlq.DlqReader;
import dev.weaviatesync.stack.CliProcess;
import dev.weaviatesync.stack.Events;
import dev.weaviatesync.stack.ItSecrets;
import dev.weaviatesync.stack.KafkaAcls;
import dev.weaviatesync.stack.LocalStack;
import dev.weaviatesync.stack.Scenario;
import dev.weaviatesync.stack.SecureKafka;
import dev.weaviatesync.stack.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker, {@code publish} and {@code dlq} against a broker that speaks only SASL_SSL
 * (SCRAM-SHA-512, a certificate of a CA made for the test) and denies everything no ACL allows
 * ({@code scripts/kafka.sh start DIR --security sasl_ssl}). Each runs as its own process,
 * configured as a user would: the settings that are not secret in a properties file, the JAAS line
 * and the truststore password in {@code KAFKA_SASL_JAAS_CONFIG} and {@code
 * KAFKA_SSL_TRUSTSTORE_PASSWORD}. Each Kafka user gets exactly the ACLs of {@link KafkaAcls} (the
 * README's tables).
 */
@ExtendWith(LocalStack.class)
class SecureKafkaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration EXIT = Duration.ofSeconds(120);

  private final LocalStack stack = LocalStack.get();
  private final SecureKafka kafka = SecureKafka.get();

  /**
   * A scenario on the secure broker (topics made by admin), configured with its public settings.
   */
  private Scenario scenario(String name) throws Exception {
    var s = new Scenario(stack, name, 1, kafka.clientProperties("admin"));
    kafka.publicSettings().forEach(s::set);
    // Outside the prefix <application id>- of the worker's own topics, so that its ACLs are its
    // own.
    s.set("dlq.topic", dlq(s));
    s.set("topics.create", "true");
    return s;
  }

  private static String dlq(Scenario s) {
    return "dlq-" + s.prefix;
  }

  private static List<String> inputs(Scenario s) {
    return List.of(s.itemTopic, s.taskTopic);
  }

  private static List<KafkaAcls.Grant> workerGrants(Scenario s) {
    return KafkaAcls.worker(inputs(s), dlq(s), s.prefix, true, true);
  }

  @Test
  void shouldSyncPublishAndReplayOverSaslSslWithOnlyTheDocumentedAcls() throws Exception {
    long t0 = System.nanoTime();
    try (var s = scenario("sasl")) {
      kafka.grant(KafkaAcls.bindings("User:worker", workerGrants(s)));
      kafka.grant(KafkaAcls.bindings("User:publisher", KafkaAcls.publisher(inputs(s))));
      kafka.grant(
          KafkaAcls.bindings(
              "User:operator",
              KafkaAcls.operator(inputs(s), dlq(s), s.prefix, s.prefix + "-dlq-replay", true)));
      Path config = s.writeConfig();
      assertNoSecrets("the configuration file", Files.readString(config));
      String item = UUID.randomUUID().toString();
      String task = UUID.randomUUID().toString();
      String rejected = UUID.randomUUID().toString();
      Path events = Files.createTempFile("events", ".jsonl");
      Files.write(
          events,
          List.of(
              Events.upsert(s.itemType, item, 1L, Map.of("title", "Desk lamp", "price", 19.9)),
              Events.upsert(s.taskType, task, 1L, Map.of("title", "Buy bulbs", "done", false)),
              // price is a number property: Weaviate rejects this one (REJECTED, dead-lettered)
              Events.upsert(s.itemType, rejected, 1L, Map.of("title", "Odd", "price", "abc"))));

      try (var worker = WorkerProcess.start(config, kafka.secretEnv("worker"))) {
        awaitRunning(worker);
        var publish = cli("publisher", "publish", "--config", config.toString(), events.toString());
        assertThat(publish.code()).as(publish.output()).isZero();
        assertThat(publish.output()).contains("3 sent, 0 invalid, 0 failed");

        await("both objects in Weaviate, the rejected one dead-lettered")
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    s.weaviate().objects(s.itemCollection).containsKey(item)
                        && s.weaviate().objects(s.taskCollection).containsKey(task)
                        && dlqRecords(s).size() == 1);
        assertThat(
                s.weaviate()
                    .object(s.itemCollection, item)
                    .path("properties")
                    .path("title")
                    .asText())
            .isEqualTo("Desk lamp");
        assertThat(s.weaviate().objects(s.itemCollection)).doesNotContainKey(rejected);

        var list = cli("operator", "dlq", "list", "--config", config.toString());
        assertThat(list.code()).as(list.output()).isZero();
        assertThat(list.output()).contains("1 records").contains(rejected).contains("REJECTED");
        var json = cli("operator", "dlq", "list", "--json", "--config", config.toString());
        assertThat(json.code()).as(json.output()).isZero();
        var line =
            JSON.readTree(
                json.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        String coordinates = line.get("partition").asInt() + ":" + line.get("offset").asLong();
        var show = cli("operator", "dlq", "show", coordinates, "--config", config.toString());
        assertThat(show.code()).as(show.output()).isZero();
        assertThat(show.output()).contains("key:     " + rejected).contains("'price'");

        // --set works as well as the file: here it repeats a public setting.
        var replay =
            cli(
                "operator",
                "dlq",
                "replay",
                "--category",
                "REJECTED",
                "--config",
                config.toString(),
                "--set",
                "kafka.sasl.mechanism=SCRAM-SHA-512");
        assertThat(replay.code()).as(replay.output()).isZero();
        assertThat(replay.output()).contains("replay: 1 sent");
        await("the replayed record is processed again and dead-lettered again")
            .atMost(Duration.ofSeconds(90))
            .until(() -> dlqRecords(s).size() == 2);
        var again = dlqRecords(s).get(1);
        assertThat(new String(again.key(), StandardCharsets.UTF_8)).isEqualTo(rejected);
        assertThat(
                new String(
                    again.headers().lastHeader(DlqHeaders.REPLAY_COUNT).value(),
                    StandardCharsets.UTF_8))
            .isEqualTo("1");

        var purge =
            cli(
                "operator",
                "dlq",
                "purge",
                "--before",
                line.get("partition").asInt() + ":" + (line.get("offset").asLong() + 1),
                "--yes",
                "--config",
                config.toString());
        assertThat(purge.code()).as(purge.output()).isZero();
        assertThat(purge.output()).contains("deleted;");

        // verify and resync read the worker's state topic with the operator's ACLs: the rejected
        // item's latest event was dead-lettered, so it is missing, and its repair is dead-lettered
        // again (Weaviate still refuses it).
        var verify = cli("operator", "verify", "--rate", "0", "--config", config.toString());
        assertThat(verify.code()).as(verify.output()).isEqualTo(1);
        assertThat(verify.output())
            .contains("1 missing", "missing " + rejected, "dead-lettered", "NOT in sync");
        var resync =
            cli("operator", "resync", "--rate", "0", "--wait", "90", "--config", config.toString());
        assertThat(resync.code()).as(resync.output()).isEqualTo(1);
        assertThat(resync.output()).contains("1 repairs published", "1 dead-lettered");

        int exit = worker.terminate(60);
        String out = worker.output();
        assertNoSecrets("the worker", out);
        show("the worker", out);
        assertThat(exit).as(out).isZero();
      }
      // Nothing the clients did was denied: the ACLs of KafkaAcls are enough.
      assertThat(deniedLines(s)).isEmpty();
      SyncWorkerIT.report(
          String.format(
              "sasl_ssl: worker, publish, dlq list/show/replay/purge, verify, resync over SASL_SSL (SCRAM-SHA-512, "
                  + "test CA) with only the README's ACLs (%d worker, %d publisher, %d operator); "
                  + "objects in Weaviate, replayed dead letter dead-lettered again, nothing denied, "
                  + "no secret printed; %d s",
              workerGrants(s).size(),
              KafkaAcls.publisher(inputs(s)).size(),
              KafkaAcls.operator(inputs(s), dlq(s), s.prefix, s.prefix + "-dlq-replay", true)
                  .size(),
              (System.nanoTime() - t0) / 1_000_000_000L));
    }
  }

  @Test
  void shouldRefuseAWrongPasswordClearlyWithoutPrintingIt() throws Exception {
    try (var s = scenario("wrongpw")) {
      kafka.grant(KafkaAcls.bindings("User:worker", workerGrants(s)));
      kafka.grant(KafkaAcls.bindings("User:publisher", KafkaAcls.publisher(inputs(s))));
      String wrong = ItSecrets.register("wrong-" + UUID.randomUUID());
      Path config = s.writeConfig();
      String refused = "Kafka at " + kafka.bootstrap() + " refused the SASL login";

      assertThat(failedWorker(config, env("worker", wrong)))
          .contains("start-up failed: " + refused)
          .contains("check the user name and password in kafka.sasl.jaas.config")
          .contains("kafka.sasl.jaas.config=********");
      Path events = Files.createTempFile("events", ".jsonl");
      String id = UUID.randomUUID().toString();
      Files.writeString(events, Events.upsert(s.itemType, id, 1L, Map.of("title", "x")) + "\n");
      var publish =
          CliProcess.run(
              env("publisher", wrong),
              List.of("publish", "--config", config.toString(), events.toString()));
      assertNoSecrets("publish", publish.output());
      show("publish", publish.output());
      assertThat(publish.code()).as(publish.output()).isEqualTo(1);
      assertThat(publish.output()).contains("nothing sent: " + refused);
      var list =
          CliProcess.run(
              env("operator", wrong), List.of("dlq", "list", "--config", config.toString()));
      assertNoSecrets("dlq list", list.output());
      show("dlq list", list.output());
      assertThat(list.code()).as(list.output()).isEqualTo(1);
      assertThat(list.output()).contains(refused);
      SyncWorkerIT.report(
          "sasl_ssl: a wrong SCRAM password: worker (start-up), publish and dlq list exit 1 with '"
              + refused.replace(kafka.bootstrap(), "<bootstrap>")
              + " ...', no password in any output");
    }
  }

  @Test
  void shouldRefuseABrokerCertificateItDoesNotTrust() throws Exception {
    try (var s = scenario("untrusted")) {
      kafka.grant(KafkaAcls.bindings("User:worker", workerGrants(s)));
      kafka.grant(KafkaAcls.bindings("User:publisher", KafkaAcls.publisher(inputs(s))));
      String otherPassword = ItSecrets.register("other-" + UUID.randomUUID());
      Path other = otherCaTruststore(otherPassword);
      s.set("kafka.ssl.truststore.location", other.toString());
      Path config = s.writeConfig();
      var env =
          Map.of(
              "KAFKA_SASL_JAAS_CONFIG",
              SecureKafka.jaas("worker", kafka.password("worker")),
              "KAFKA_SSL_TRUSTSTORE_PASSWORD",
              otherPassword);
      String untrusted =
          "the TLS certificate of Kafka at " + kafka.bootstrap() + " is not trusted (PKIX";

      assertThat(failedWorker(config, env))
          .contains("start-up failed: " + untrusted)
          .contains("kafka.ssl.truststore.location must hold the CA certificate");
      Path events = Files.createTempFile("events", ".jsonl");
      Files.writeString(
          events,
          Events.upsert(s.itemType, UUID.randomUUID().toString(), 1L, Map.of("title", "x")) + "\n");
      var pubEnv =
          Map.of(
              "KAFKA_SASL_JAAS_CONFIG",
              SecureKafka.jaas("publisher", kafka.password("publisher")),
              "KAFKA_SSL_TRUSTSTORE_PASSWORD",
              otherPassword);
      var publish =
          CliProcess.run(
              pubEnv, List.of("publish", "--config", config.toString(), events.toString()));
      assertNoSecrets("publish", publish.output());
      show("publish", publish.output());
      assertThat(publish.code()).as(publish.output()).isEqualTo(1);
      assertThat(publish.output()).contains("nothing sent: " + untrusted);

      // The right truststore with a wrong password: the file cannot be opened, and it says so.
      var wrongStorePassword = new java.util.HashMap<>(pubEnv);
      wrongStorePassword.put(
          "KAFKA_SSL_TRUSTSTORE_PASSWORD", ItSecrets.register("store-" + UUID.randomUUID()));
      var badStore =
          CliProcess.run(
              wrongStorePassword,
              List.of(
                  "publish",
                  "--config",
                  config.toString(),
                  "--set",
                  "kafka.ssl.truststore.location=" + kafka.truststore(),
                  events.toString()));
      assertNoSecrets("publish", badStore.output());
      show("publish", badStore.output());
      assertThat(badStore.code()).as(badStore.output()).isEqualTo(1);
      assertThat(badStore.output())
          .contains("nothing sent: Failed to load SSL keystore " + kafka.truststore())
          .contains("the password is wrong (kafka.ssl.truststore.password");
      SyncWorkerIT.report(
          "sasl_ssl: a truststore of another CA: worker (start-up) and publish exit 1 with 'the TLS "
              + "certificate of Kafka at <bootstrap> is not trusted (PKIX path building failed: ...)'; "
              + "a wrong truststore password: 'Failed to load SSL keystore ...: the password is "
              + "wrong'");
    }
  }

  @Test
  void shouldStopOnAMissingAclWithoutLosingTheRecord() throws Exception {
    try (var s = scenario("acl")) {
      var grants = workerGrants(s);
      var groupRead = KafkaAcls.only("User:worker", grants, s.prefix, AclOperation.READ);
      var dlqWrite = KafkaAcls.only("User:worker", grants, dlq(s), AclOperation.WRITE);
      assertThat(groupRead).hasSize(1);
      assertThat(dlqWrite).hasSize(1);
      var all = KafkaAcls.bindings("User:worker", grants);
      kafka.grant(all.stream().filter(b -> !groupRead.contains(b)).toList());
      // Records wait in the pending store, committed, for up to 3 s before they are written.
      s.set("flush.interval.ms", "3000");
      Path config = s.writeConfig();
      var env = kafka.secretEnv("worker");
      String first = UUID.randomUUID().toString();
      s.send(s.itemTopic, first, Events.upsert(s.itemType, first, 1L, Map.of("title", "first")));
      s.flush();

      // 1. No Read on its consumer group: Kafka Streams cannot join; the worker exits 1 saying so.
      assertThat(failedWorker(config, env))
          .contains(
              "worker stopped: Kafka at "
                  + kafka.bootstrap()
                  + " refused access to consumer group '"
                  + s.prefix
                  + "'");
      assertThat(s.weaviate().objects(s.itemCollection)).doesNotContainKey(first);

      // 2. With it, the waiting record is synced.
      kafka.grant(groupRead);
      long rejectedOffset;
      String rejected = UUID.randomUUID().toString();
      try (var worker = WorkerProcess.start(config, env)) {
        await("the first record in Weaviate")
            .atMost(Duration.ofSeconds(90))
            .until(() -> s.weaviate().objects(s.itemCollection).containsKey(first));

        // 3. The dead-letter write is revoked while it runs; a record Weaviate rejects arrives.
        kafka.revoke(dlqWrite);
        rejectedOffset = endOffset(s.itemTopic);
        s.send(
            s.itemTopic,
            rejected,
            Events.upsert(s.itemType, rejected, 1L, Map.of("title", "Odd", "price", "abc")));
        s.flush();
        String out = awaitExit(worker);
        assertNoSecrets("the worker", out);
        show("the worker", out);
        assertThat(worker.exitCode()).as(out).isEqualTo(1);
        assertThat(out)
            .contains(
                "worker stopped: Kafka at "
                    + kafka.bootstrap()
                    + " refused access to topic(s) ["
                    + dlq(s)
                    + "]");
      }
      // Not dead-lettered: the transaction with the dead letter was aborted. Not lost either: its
      // offset was committed (flushes come every 3 s, commits every 100 ms) together with the
      // record, pending in the changelogged store; a restarted worker finds it there (step 5).
      assertThat(dlqRecords(s)).isEmpty();
      assertThat(s.weaviate().objects(s.itemCollection)).doesNotContainKey(rejected);
      assertThat(committed(s)).isGreaterThan(rejectedOffset);

      // 4. A restart without that ACL is refused at start-up, naming the topic.
      assertThat(failedWorker(config, env))
          .contains(
              "start-up failed: Kafka at "
                  + kafka.bootstrap()
                  + ": this Kafka user may not describe topic(s) ["
                  + dlq(s)
                  + "]");
      // ... and with Describe but not Write (not one of the documented ACLs): the start-up check
      // of the operations the broker allows names the one that is missing.
      var describeOnly =
          List.of(
              new AclBinding(
                  new ResourcePattern(ResourceType.TOPIC, dlq(s), PatternType.LITERAL),
                  new AccessControlEntry(
                      "User:worker", "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)));
      kafka.grant(describeOnly);
      assertThat(failedWorker(config, env))
          .contains(
              "start-up failed: Kafka at "
                  + kafka.bootstrap()
                  + ": this Kafka user lacks ACLs: [WRITE] on topic '"
                  + dlq(s)
                  + "'");
      kafka.revoke(describeOnly);
      assertThat(dlqRecords(s)).isEmpty();

      // 5. With the ACL back, the record is dead-lettered (once) and its offset committed.
      kafka.grant(dlqWrite);
      try (var worker = WorkerProcess.start(config, env)) {
        await("the rejected record in the dead-letter topic")
            .atMost(Duration.ofSeconds(90))
            .until(() -> dlqRecords(s).size() == 1);
        assertThat(new String(dlqRecords(s).get(0).key(), StandardCharsets.UTF_8))
            .isEqualTo(rejected);
        await("its offset committed")
            .atMost(Duration.ofSeconds(60))
            .until(() -> committed(s) > rejectedOffset);
        Thread.sleep(2000);
        assertThat(dlqRecords(s)).as("dead-lettered once").hasSize(1);
        int exit = worker.terminate(60);
        assertNoSecrets("the worker", worker.output());
        show("the worker", worker.output());
        assertThat(exit).as(worker.output()).isZero();
      }
      SyncWorkerIT.report(
          "sasl_ssl ACLs: without Read on its group the worker exits 1 naming the group; with the "
              + "dead-letter Write revoked mid-run it exits 1 naming the topic, the record neither "
              + "dead-lettered nor lost (committed, pending in the store); a restart without it (with or without Describe) is "
              + "refused at start-up naming topic and operation; with it back the record is "
              + "dead-lettered and committed");
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private Map<String, String> env(String user, String password) {
    return Map.of(
        "KAFKA_SASL_JAAS_CONFIG",
        SecureKafka.jaas(user, password),
        "KAFKA_SSL_TRUSTSTORE_PASSWORD",
        kafka.truststorePassword());
  }

  /** A CLI command as {@code user}, secrets in the environment. */
  private CliProcess.Result cli(String user, String... args) throws Exception {
    var r = CliProcess.run(kafka.secretEnv(user), List.of(args));
    assertNoSecrets("weaviate-sync " + args[0] + " " + args[1], r.output());
    show("weaviate-sync " + args[0] + " " + args[1], r.output());
    return r;
  }

  private static void awaitRunning(WorkerProcess worker) {
    await("the worker is RUNNING")
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              if (!worker.isAlive()) {
                fail("the worker exited " + worker.exitCode() + ":\n" + worker.output());
              }
              return worker.output().contains("-> RUNNING");
            });
  }

  /** Waits until the worker exits by itself; its output. */
  /**
   * Starts the worker, which must stop by itself with exit 1 and print no secret; returns its
   * output.
   */
  private String failedWorker(java.nio.file.Path config, java.util.Map<String, String> env)
      throws Exception {
    try (var worker = WorkerProcess.start(config, env)) {
      String out = awaitExit(worker);
      assertNoSecrets("the worker", out);
      show("the worker", out);
      assertThat(worker.exitCode()).as(out).isEqualTo(1);
      return out;
    }
  }

  private static String awaitExit(WorkerProcess worker) throws Exception {
    await("the worker exits").atMost(EXIT).until(() -> !worker.isAlive());
    return worker.output();
  }

  /** Prints the lines of {@code output} that report a failure, for the test log. */
  private static void show(String what, String output) {
    output
        .lines()
        .filter(
            l ->
                l.startsWith("start-up failed")
                    || l.startsWith("worker stopped")
                    || l.startsWith("nothing sent")
                    || l.startsWith("Kafka at")
                    || l.startsWith("failed to send"))
        .forEach(l -> System.out.println("[secure-kafka] " + what + ": " + l));
  }

  /**
   * Fails when {@code output} holds any registered secret, without printing the secret (nor the
   * output).
   */
  private static void assertNoSecrets(String what, String output) {
    for (String secret : ItSecrets.all()) {
      int at = output.indexOf(secret);
      if (at >= 0) {
        fail(what + " printed a registered secret (" + secret.length() + " chars) at index " + at);
      }
    }
  }

  /** The dead-letter topic as the super user reads it (committed records only). */
  private List<ConsumerRecord<byte[], byte[]>> dlqRecords(Scenario s) {
    var out = new ArrayList<ConsumerRecord<byte[], byte[]>>();
    DlqReader.readAll(adminConfig(s), out::add);
    return out;
  }

  private SyncConfig adminConfig(Scenario s) {
    return s.config()
        .with(
            Map.of(
                "kafka.sasl.jaas.config",
                SecureKafka.jaas("admin", kafka.password("admin")),
                "kafka.ssl.truststore.password",
                kafka.truststorePassword()));
  }

  private long endOffset(String topic) throws Exception {
    try (Admin a = kafka.admin()) {
      var tp = new TopicPartition(topic, 0);
      return a.listOffsets(Map.of(tp, OffsetSpec.latest()))
          .partitionResult(tp)
          .get(30, TimeUnit.SECONDS)
          .offset();
    }
  }

  /** The worker's committed offset on the item topic (0 when none). */
  private long committed(Scenario s) throws Exception {
    try (Admin a = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          a.listConsumerGroupOffsets(s.prefix)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(s.itemTopic, 0));
      return o == null ? 0 : o.offset();
    }
  }

  /** The broker's "Denied" lines about this scenario's topics, group and transactional ids. */
  private List<String> deniedLines(Scenario s) throws Exception {
    return kafka.log().lines().filter(l -> l.contains("Denied") && l.contains(s.prefix)).toList();
  }

  /** A PKCS12 truststore holding only the certificate of a CA the broker's was not signed by. */
  private static Path otherCaTruststore(String password) throws Exception {
    Path dir = Files.createTempDirectory("other-ca");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    keytool(
        password,
        keytool,
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=another test CA",
        "-ext",
        "bc:c",
        "-storetype",
        "PKCS12",
        "-keystore",
        dir.resolve("ca.p12").toString(),
        "-storepass:env",
        "STOREPASS");
    keytool(
        password,
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        dir.resolve("ca.p12").toString(),
        "-storepass:env",
        "STOREPASS",
        "-file",
        dir.resolve("ca.crt").toString());
    keytool(
        password,
        keytool,
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        dir.resolve("ca.crt").toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        dir.resolve("truststore.p12").toString(),
        "-storepass:env",
        "STOREPASS");
    return dir.resolve("truststore.p12");
  }

  private static void keytool(String password, String... cmd) throws Exception {
    var b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().put("STOREPASS", password);
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("keytool " + cmd[1] + " failed:\n" + out);
    }
  }
}
