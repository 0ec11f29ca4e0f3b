package dev.weaviatesync.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of the real Weaviate's gRPC port that drops the connection
 * whenever a request carries {@code marker}: a batch with one object Weaviate "cannot take" fails
 * as a whole with a transient gRPC error (UNAVAILABLE), while every other request, the readiness
 * probe's among them, reaches the real server. gRPC sends protobuf uncompressed by default, so the
 * marker text of a property appears as it is in the byte stream.
 */
public final class PoisonProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int target;
  private final byte[] marker;
  private final AtomicInteger drops = new AtomicInteger();

  public PoisonProxy(int target, String marker) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.target = target;
    this.marker = marker.getBytes(StandardCharsets.UTF_8);
    Thread accept = new Thread(this::acceptLoop, "poison-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** How often a request carrying the marker was dropped. */
  public int drops() {
    return drops.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        // closed, or Weaviate not there: the client sees a dropped connection either way
      }
    }
  }

  private void pump(Socket from, Socket to, boolean inspect) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              byte[] window = new byte[0];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  if (inspect) {
                    // The marker may straddle two reads: look at the end of the last one, too.
                    byte[] seen = new byte[window.length + n];
                    System.arraycopy(window, 0, seen, 0, window.length);
                    System.arraycopy(buf, 0, seen, window.length, n);
                    if (indexOf(seen, marker) >= 0) {
                      drops.incrementAndGet();
                      break;
                    }
                    int keep = Math.min(seen.length, marker.length - 1);
                    window = java.util.Arrays.copyOfRange(seen, seen.length - keep, seen.length);
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // the other side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "poison-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
