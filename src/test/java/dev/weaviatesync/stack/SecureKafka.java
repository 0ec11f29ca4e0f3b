package dev.weaviatesync.stack;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.junit.jupiter.api.Assumptions;

/**
 * A broker of its own in the {@code sasl_ssl} mode of {@code scripts/kafka.sh} (SASL_SSL with
 * SCRAM-SHA-512, certificates made by keytool, ACLs enforced; see the script's header), started
 * once per test JVM under {@code target/it-stack/kafka-sasl} beside the shared plaintext one and
 * stopped when the JVM exits. Every password the script made is registered with {@link ItSecrets}
 * before a test can hand it to anything.
 *
 * <p>With {@code CI=true} a broker that cannot start fails the test; elsewhere the test is aborted
 * with the reason, as {@link LocalStack} does.
 */
public final class SecureKafka {
  /** The users the script creates (besides admin, the super user). */
  public static final List<String> USERS = List.of("worker", "publisher", "operator");

  private static SecureKafka instance;
  private static RuntimeException startFailure;

  private final Path dir;
  private final String bootstrap;
  private final Map<String, String> credentials;

  private SecureKafka(Path dir) throws IOException {
    this.dir = dir;
    this.bootstrap = Files.readString(dir.resolve("bootstrap")).trim();
    var p = new Properties();
    try (Reader r =
        Files.newBufferedReader(
            dir.resolve("security/credentials.properties"), StandardCharsets.UTF_8)) {
      p.load(r);
    }
    var c = new LinkedHashMap<String, String>();
    p.stringPropertyNames().forEach(k -> c.put(k, ItSecrets.register(p.getProperty(k))));
    this.credentials = c;
  }

  /** The shared secure broker; starts it on first use. */
  public static synchronized SecureKafka get() {
    if (instance == null && startFailure == null) {
      Path dir = LocalStack.dir("kafka-sasl");
      try {
        LocalStack.quietly("scripts/kafka.sh", "stop", dir.toString());
        LocalStack.deleteRecursively(dir);
        LocalStack.script(
            Map.of("LOCAL_KAFKA_SCRAM_USERS", String.join(" ", USERS), "LOCAL_KAFKA_HEAP", "512m"),
            "scripts/kafka.sh",
            "start",
            dir.toString(),
            "--security",
            "sasl_ssl");
        instance = new SecureKafka(dir);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> LocalStack.quietly("scripts/kafka.sh", "stop", dir.toString()),
                    "secure-kafka-stop"));
      } catch (IOException | RuntimeException e) {
        startFailure =
            e instanceof RuntimeException r
                ? r
                : new IllegalStateException("cannot read " + dir + ": " + e, e);
      }
    }
    if (startFailure != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw startFailure;
      }
      Assumptions.abort(
          "local SASL_SSL Kafka broker could not start (set CI=true to make this a failure): "
              + startFailure.getMessage());
    }
    return instance;
  }

  public String bootstrap() {
    return bootstrap;
  }

  public Path dir() {
    return dir;
  }

  /** The broker's log, where the authorizer logs every request it denied. */
  public String log() throws IOException {
    return Files.readString(dir.resolve("kafka.log"), StandardCharsets.UTF_8);
  }

  /** The PKCS12 truststore with the CA that signed the broker's certificate. */
  public Path truststore() {
    return dir.resolve("security/truststore.p12");
  }

  public String truststorePassword() {
    return credentials.get("truststore.password");
  }

  /** The password of one of {@link #USERS} (or admin). */
  public String password(String user) {
    String pw =
        credentials.get(user.equals("admin") ? "admin.password" : "user." + user + ".password");
    if (pw == null) {
      throw new IllegalArgumentException("no SCRAM user " + user);
    }
    return pw;
  }

  /** The {@code sasl.jaas.config} line for {@code user} with {@code password}. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /**
   * The settings that are not secret, as weaviate-sync keys: what a configuration file holds. The
   * JAAS line and the truststore password go in the environment ({@link #secretEnv}).
   */
  public Map<String, String> publicSettings() {
    var m = new LinkedHashMap<String, String>();
    m.put("kafka.bootstrap.servers", bootstrap);
    m.put("kafka.security.protocol", "SASL_SSL");
    m.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    m.put("kafka.ssl.truststore.location", truststore().toString());
    m.put("kafka.ssl.truststore.type", "PKCS12");
    return m;
  }

  /** The secrets of {@code user} as the environment variables a deployment would set. */
  public Map<String, String> secretEnv(String user) {
    return Map.of(
        "KAFKA_SASL_JAAS_CONFIG", jaas(user, password(user)),
        "KAFKA_SSL_TRUSTSTORE_PASSWORD", truststorePassword());
  }

  /** Kafka client properties (no prefix) of {@code user}, secrets included. */
  public Map<String, Object> clientProperties(String user) {
    var m = new LinkedHashMap<String, Object>();
    m.put("bootstrap.servers", bootstrap);
    m.put("security.protocol", "SASL_SSL");
    m.put("sasl.mechanism", "SCRAM-SHA-512");
    m.put("sasl.jaas.config", jaas(user, password(user)));
    m.put("ssl.truststore.location", truststore().toString());
    m.put("ssl.truststore.password", truststorePassword());
    m.put("ssl.truststore.type", "PKCS12");
    return m;
  }

  /** An admin client of the super user. */
  public Admin admin() {
    return Admin.create(clientProperties("admin"));
  }

  /** Adds the bindings and waits until the broker's authorizer has them. */
  public void grant(List<AclBinding> bindings) throws Exception {
    try (Admin a = admin()) {
      a.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
      awaitAcls(a, bindings, true);
    }
  }

  /** Removes the bindings and waits until the broker's authorizer no longer has them. */
  public void revoke(List<AclBinding> bindings) throws Exception {
    try (Admin a = admin()) {
      a.deleteAcls(bindings.stream().map(AclBinding::toFilter).toList())
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitAcls(a, bindings, false);
    }
  }

  private static void awaitAcls(Admin a, List<AclBinding> bindings, boolean present)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      var now = new ArrayList<>(a.describeAcls(AclBindingFilter.ANY).values().get());
      boolean done =
          present ? now.containsAll(bindings) : bindings.stream().noneMatch(now::contains);
      if (done) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "ACLs not " + (present ? "added" : "removed") + " within 30 s: " + bindings);
      }
      Thread.sleep(100);
    }
  }
}
