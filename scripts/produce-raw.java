// Sends each line of standard input to a topic as it is, unvalidated, with the key given (the demo
// uses it for one malformed record, to show the dead-letter path). Not part of the CLI: bin/weaviate-sync
// publish validates every line and never sends one the worker would refuse.
//
//   java -cp "$(cat target/broker.classpath)" scripts/produce-raw.java BOOTSTRAP TOPIC KEY < lines
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

class ProduceRaw {
  public static void main(String[] args) throws Exception {
    var p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    int n = 0;
    try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
         var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        producer.send(new ProducerRecord<>(args[1], args[2].getBytes(StandardCharsets.UTF_8),
            line.getBytes(StandardCharsets.UTF_8))).get();
        n++;
      }
    }
    System.out.println(n + " raw record(s) sent to " + args[1]);
  }
}
