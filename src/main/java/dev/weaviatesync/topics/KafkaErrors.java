package dev.weaviatesync.topics;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.Locale;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * One line that says what is wrong when Kafka refuses the client: a SASL login refused, a broker
 * certificate not trusted, a truststore that cannot be loaded, an operation without an ACL. The
 * Kafka exceptions say "SSL handshake failed" with the reason three causes down, or "Not authorized
 * to access topics" without saying what to fix; these lines say both. They never contain a
 * password: only exception messages (which Kafka keeps free of them), the bootstrap servers and the
 * names of the settings to look at.
 */
public final class KafkaErrors {
  /** Where the ACLs each command needs are listed. */
  public static final String ACL_HINT = "see README, \"Kafka ACLs\"";

  /** How the messages of {@link Topics}' own authorization errors start. */
  static final String OURS = "this Kafka user ";

  private KafkaErrors() {}

  /**
   * The security problem in {@code e} or its causes, as one line, or null when there is none (the
   * caller reports {@code e} as it did).
   */
  public static String explain(Throwable e, String bootstrap) {
    String at = "Kafka at " + bootstrap;
    Throwable outer = null;
    for (Throwable c = e; c != null; outer = c, c = c.getCause()) {
      if (c instanceof SaslAuthenticationException) {
        return at
            + " refused the SASL login ("
            + c.getMessage()
            + "): check the user name and password in kafka.sasl.jaas.config and kafka.sasl.mechanism";
      }
      if (c instanceof SslAuthenticationException) {
        return tls(c, at);
      }
      if (c instanceof AuthenticationException) {
        return at + " refused the connection: " + c.getMessage();
      }
      if (c instanceof TopicAuthorizationException t) {
        if (String.valueOf(c.getMessage()).startsWith(OURS)) {
          return at + ": " + c.getMessage(); // Topics' own, complete
        }
        String topics = t.unauthorizedTopics().isEmpty() ? "" : t.unauthorizedTopics() + " ";
        return refused(
            at,
            "access to topic(s) " + topics,
            outer,
            c,
            ": this Kafka user lacks an ACL for them");
      }
      if (c instanceof GroupAuthorizationException g) {
        return refused(
            at,
            "access to consumer group '" + g.groupId() + "' ",
            outer,
            c,
            ": this Kafka user needs Read on that group");
      }
      if (c instanceof TransactionalIdAuthorizationException) {
        return refused(
            at,
            "the transactional id ",
            outer,
            c,
            ": under exactly_once_v2 the worker's Kafka user needs Write on TransactionalId "
                + "prefixed '<kafka.application.id>-'");
      }
      if (c instanceof ClusterAuthorizationException) {
        return refused(at, "a cluster operation ", outer, c, "");
      }
      if (c instanceof AuthorizationException) {
        return refused(at, "an operation ", outer, c, "");
      }
      String m = c.getMessage();
      if (m != null && m.startsWith("Failed to load SSL keystore")) {
        // Thrown while the client is built: a wrong path, type or password of a truststore or
        // keystore. The message names the file and its type; the cause says what failed.
        return m
            + (wrongPassword(c)
                ? ": the password is wrong (kafka.ssl.truststore.password, or"
                    + " kafka.ssl.keystore.password for a keystore)"
                : ": " + root(c).getMessage() + " (check kafka.ssl.truststore.* / ssl.keystore.*)");
      }
    }
    return null;
  }

  private static String tls(Throwable ssl, String at) {
    Throwable root = root(ssl);
    String reason = root.getMessage() == null ? root.toString() : root.getMessage();
    for (Throwable c = ssl; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (c instanceof CertPathBuilderException
          || c instanceof CertPathValidatorException
          || m.contains("PKIX")) {
        return "the TLS certificate of "
            + at
            + " is not trusted (PKIX path building failed: "
            + reason
            + "): kafka.ssl.truststore.location must hold the CA certificate that signed the "
            + "broker's certificate";
      }
      if (m.toLowerCase(Locale.ROOT).contains("subject alternative name")
          || m.contains("No name matching")) {
        return "the TLS certificate of "
            + at
            + " is not for that host ("
            + m
            + "): connect to a name in the certificate's subject alternative names";
      }
    }
    return "the TLS handshake with " + at + " failed: " + reason;
  }

  /**
   * What was being done when Kafka refused, when the exception around the refusal says it in a line
   * of its own (Kafka Streams' "Could not create topic X."), followed by ": "; else empty.
   */
  /** "Kafka at X refused WHAT(context: message)ADVICE; see README, "Kafka ACLs"". */
  private static String refused(
      String at, String what, Throwable outer, Throwable refusal, String advice) {
    return at
        + " refused "
        + what
        + "("
        + context(outer, refusal)
        + refusal.getMessage()
        + ")"
        + advice
        + "; "
        + ACL_HINT;
  }

  private static String context(Throwable outer, Throwable refusal) {
    String m = outer == null ? null : outer.getMessage();
    if (m == null
        || m.isBlank()
        || m.contains("\n")
        || m.contains(refusal.getClass().getName())
        || m.equals(refusal.getMessage())) {
      return "";
    }
    return (m.endsWith(".") ? m.substring(0, m.length() - 1) : m) + ": ";
  }

  /**
   * A key store that a wrong password cannot open: JKS says so ("password was incorrect"); PKCS12
   * fails to decrypt its contents (BadPaddingException) or its key (UnrecoverableKeyException).
   */
  private static boolean wrongPassword(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof javax.crypto.BadPaddingException
          || c instanceof java.security.UnrecoverableKeyException
          || String.valueOf(c.getMessage()).contains("password was incorrect")) {
        return true;
      }
    }
    return false;
  }

  private static Throwable root(Throwable e) {
    Throwable r = e;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }
}
