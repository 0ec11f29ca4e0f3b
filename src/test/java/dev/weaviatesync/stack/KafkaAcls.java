package dev.weaviatesync.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each kind of client needs, and nothing more: what {@code SecureKafkaIT} grants on
 * a broker that denies everything else, and what the README's "Kafka ACLs" tables and kafka-acls
 * commands show ({@code ReadmeAclsTest} renders them from here, so the two cannot drift apart).
 *
 * <p>Read and Write imply Describe, so Describe is never listed on its own. Idempotent producers
 * need no IdempotentWrite on the cluster since Kafka 3.0 (KIP-679): Write on a topic suffices.
 */
public final class KafkaAcls {
  private KafkaAcls() {}

  private static final String CREATE_WHY =
      "only with `topics.create=true`: create it if it does not exist";

  /** One permission: an operation on a resource, and why or when it is needed. */
  public record Grant(
      ResourceType type, PatternType pattern, String name, AclOperation operation, String why) {
    public ResourcePattern resource() {
      return new ResourcePattern(type, name, pattern);
    }
  }

  /**
   * The worker ({@code weaviate-sync run}).
   *
   * @param inputs the input topics ({@code type.<Type>.topic})
   * @param dlq {@code dlq.topic}
   * @param applicationId {@code kafka.application.id}: the consumer group, and the prefix of the
   *     changelog topics and transactional ids Kafka Streams names after it
   * @param topicsCreate {@code topics.create}: the worker creates the topics that do not exist
   * @param exactlyOnce {@code kafka.processing.guarantee=exactly_once_v2} (the default)
   */
  public static List<Grant> worker(
      List<String> inputs,
      String dlq,
      String applicationId,
      boolean topicsCreate,
      boolean exactlyOnce) {
    var g = new ArrayList<Grant>();
    for (String t : inputs) {
      g.add(topic(t, AclOperation.READ, "consume the events"));
    }
    for (String t : inputs) {
      if (topicsCreate) {
        g.add(topic(t, AclOperation.CREATE, CREATE_WHY));
      }
    }
    g.add(topic(dlq, AclOperation.WRITE, "write dead letters"));
    g.add(topic(dlq, AclOperation.DESCRIBE_CONFIGS, "read its `max.message.bytes` at start-up"));
    if (topicsCreate) {
      g.add(topic(dlq, AclOperation.CREATE, CREATE_WHY));
    }
    String prefix = applicationId + "-";
    String internal =
        "Kafka Streams' changelog topics `<kafka.application.id>-<store>-changelog`: create, "
            + "restore, write";
    g.add(prefixed(ResourceType.TOPIC, prefix, AclOperation.CREATE, internal));
    g.add(prefixed(ResourceType.TOPIC, prefix, AclOperation.READ, internal));
    g.add(prefixed(ResourceType.TOPIC, prefix, AclOperation.WRITE, internal));
    g.add(
        prefixed(
            ResourceType.TOPIC,
            prefix,
            AclOperation.DESCRIBE_CONFIGS,
            "read the changelogs' `max.message.bytes` at start-up"));
    g.add(
        new Grant(
            ResourceType.GROUP,
            PatternType.LITERAL,
            applicationId,
            AclOperation.READ,
            "the consumer group, named `kafka.application.id`: join, commit offsets"));
    if (exactlyOnce) {
      g.add(
          prefixed(
              ResourceType.TRANSACTIONAL_ID,
              prefix,
              AclOperation.WRITE,
              "only with `exactly_once_v2` (the default): the transactional ids "
                  + "`<kafka.application.id>-<process id>-<thread>`"));
    }
    return g;
  }

  /** {@code weaviate-sync publish}, the Java {@code ChangePublisher} and the Python package. */
  public static List<Grant> publisher(List<String> inputs) {
    return inputs.stream()
        .map(t -> topic(t, AclOperation.WRITE, "publish events (idempotent producer)"))
        .toList();
  }

  /**
   * {@code weaviate-sync dlq}, {@code verify}, {@code resync} and {@code reindex}.
   *
   * @param applicationId {@code kafka.application.id}: the state topics are named after it
   * @param replayGroup the group {@code dlq replay} keeps its progress in ({@code --group}, default
   *     {@code <kafka.application.id>-dlq-replay})
   * @param purge whether {@code dlq purge} is to be allowed
   */
  public static List<Grant> operator(
      List<String> inputs, String dlq, String applicationId, String replayGroup, boolean purge) {
    var g = new ArrayList<Grant>();
    g.add(topic(dlq, AclOperation.READ, "`dlq list`, `show`, `stats`, `replay`"));
    if (purge) {
      g.add(topic(dlq, AclOperation.DELETE, "only for `dlq purge` (deletes records)"));
    }
    g.add(
        new Grant(
            ResourceType.GROUP,
            PatternType.LITERAL,
            replayGroup,
            AclOperation.READ,
            "`dlq replay` keeps its progress there (`--group`)"));
    for (String t : inputs) {
      g.add(
          topic(
              t, AclOperation.WRITE, "`dlq replay`: send records back; `resync`: publish repairs"));
    }
    g.add(
        prefixed(
            ResourceType.TOPIC,
            applicationId + "-versions.",
            AclOperation.READ,
            "`verify`, `resync`, `reindex`: read the worker's state topics"
                + " `<kafka.application.id>-versions.<Type>-changelog`"));
    return g;
  }

  /** The grants as bindings for {@code principal} ({@code User:name}), from any host. */
  public static List<AclBinding> bindings(String principal, List<Grant> grants) {
    return grants.stream()
        .map(
            g ->
                new AclBinding(
                    g.resource(),
                    new AccessControlEntry(principal, "*", g.operation(), AclPermissionType.ALLOW)))
        .toList();
  }

  /** The bindings of {@code grants} whose operation is {@code op} on {@code name}. */
  public static List<AclBinding> only(
      String principal, List<Grant> grants, String name, AclOperation op) {
    return bindings(
        principal,
        grants.stream().filter(g -> g.name().equals(name) && g.operation() == op).toList());
  }

  // ---- rendering for the README -----------------------------------------------------------

  /**
   * Markdown rows: resource type, name (and pattern), operations, why; grants that follow each
   * other with the same resource and reason share a row.
   */
  public static List<String> table(List<Grant> grants) {
    var rows =
        new ArrayList<>(List.of("| resource | name | operations | why |", "|---|---|---|---|"));
    for (int i = 0; i < grants.size(); ) {
      Grant g = grants.get(i);
      var ops = new ArrayList<String>();
      int j = i;
      while (j < grants.size()
          && grants.get(j).resource().equals(g.resource())
          && grants.get(j).why().equals(g.why())) {
        ops.add(word(grants.get(j).operation().name()));
        j++;
      }
      rows.add(
          "| "
              + word(g.type().name())
              + " | `"
              + g.name()
              + "`"
              + (g.pattern() == PatternType.PREFIXED ? " (prefix)" : "")
              + " | "
              + String.join(", ", ops)
              + " | "
              + g.why()
              + " |");
      i = j;
    }
    return rows;
  }

  /**
   * kafka-acls commands that add {@code grants} for {@code principal}: one per resource pattern and
   * set of operations, naming every resource of that pattern that needs the same operations.
   */
  public static List<String> commands(String principal, List<Grant> grants) {
    // resource pattern -> operations, in the order of the grants
    Map<ResourcePattern, TreeSet<String>> ops = new LinkedHashMap<>();
    for (Grant g : grants) {
      ops.computeIfAbsent(g.resource(), r -> new TreeSet<>()).add(word(g.operation().name()));
    }
    // (type, pattern type, operations) -> names
    Map<List<String>, List<String>> byOps = new LinkedHashMap<>();
    ops.forEach(
        (r, o) ->
            byOps
                .computeIfAbsent(
                    List.of(r.resourceType().name(), r.patternType().name(), String.join(",", o)),
                    k -> new ArrayList<>())
                .add(r.name()));
    var out = new ArrayList<String>();
    byOps.forEach(
        (k, names) -> {
          var sb =
              new StringBuilder("kafka-acls.sh $ADMIN --add --allow-principal ").append(principal);
          if (k.get(1).equals(PatternType.PREFIXED.name())) {
            sb.append(" --resource-pattern-type prefixed");
          }
          for (String op : k.get(2).split(",")) {
            sb.append(" --operation ").append(op);
          }
          String flag = "--" + k.get(0).toLowerCase(Locale.ROOT).replace('_', '-');
          for (String n : names) {
            sb.append(' ').append(flag).append(' ').append(n);
          }
          out.add(sb.toString());
        });
    return out;
  }

  /** TRANSACTIONAL_ID -> TransactionalId, DESCRIBE_CONFIGS -> DescribeConfigs. */
  private static String word(String constant) {
    var sb = new StringBuilder();
    for (String part : constant.split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  private static Grant topic(String name, AclOperation op, String why) {
    return new Grant(ResourceType.TOPIC, PatternType.LITERAL, name, op, why);
  }

  private static Grant prefixed(ResourceType type, String prefix, AclOperation op, String why) {
    return new Grant(type, PatternType.PREFIXED, prefix, op, why);
  }
}
