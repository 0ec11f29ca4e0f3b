package dev.weaviatesync.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint: {@code /healthz} (liveness), {@code /readyz} (readiness), {@code
 * /metrics} (Prometheus text format). JDK HTTP server on one small thread pool.
 */
final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** A probe's verdict and the reason shown in its body. */
  record Check(boolean ok, String reason) {}

  private final HttpServer server;

  AdminServer(
      String host,
      int port,
      Supplier<Check> live,
      Supplier<Check> ready,
      PrometheusMeterRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.setExecutor(
        Executors.newFixedThreadPool(2, dev.weaviatesync.Daemons.named("weaviate-sync-admin")));
    server.createContext("/healthz", ex -> respond(ex, live.get()));
    server.createContext("/readyz", ex -> respond(ex, ready.get()));
    server.createContext(
        "/metrics",
        ex -> {
          byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          ex.sendResponseHeaders(200, body.length);
          try (var out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    log.info("Admin endpoint on http://{}:{}/ (healthz, readyz, metrics)", host, port());
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, Check check) throws IOException {
    byte[] body =
        ((check.ok() ? "ok" : "not ok") + ": " + check.reason() + "\n")
            .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(check.ok() ? 200 : 503, body.length);
    try (var out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
