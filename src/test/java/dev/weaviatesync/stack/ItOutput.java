package dev.weaviatesync.stack;

import dev.weaviatesync.cli.Main;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the integration tests log and print, kept under {@code target/it-output} for the leak
 * check ({@code SecretsLeakCheck}, which fails on any value registered with {@link ItSecrets}):
 *
 * <ul>
 *   <li>{@code jvm-<pid>-stdout.txt} / {@code -stderr.txt}: the test JVM's own output (the
 *       in-process workers' logs, what tests print, the it-report lines), copied there while it
 *       still goes to the console as before;
 *   <li>{@code worker-*.log}: the output of worker processes ({@link WorkerProcess});
 *   <li>{@code cli.txt}: what the CLI printed when a test ran it in-process ({@link #cli}).
 * </ul>
 *
 * <p>The directory is emptied when the first stack of a test JVM starts, so it holds one run.
 */
public final class ItOutput {
  private static boolean installed;

  private ItOutput() {}

  public static Path dir() {
    return LocalStack.root().resolve("target/it-output");
  }

  /**
   * Written when the ITs' output starts to be kept: reports older than it are of an earlier run.
   */
  public static Path started() {
    return dir().resolve("run-started");
  }

  /**
   * Once per JVM: empties {@link #dir()} and copies System.out and System.err into it from now on.
   * Called by {@link LocalStack} before it starts anything, so every IT is covered.
   */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    try {
      LocalStack.deleteRecursively(dir());
      Files.createDirectories(dir());
      Files.writeString(started(), java.time.Instant.now() + "\n");
      long pid = ProcessHandle.current().pid();
      System.setOut(tee(System.out, dir().resolve("jvm-" + pid + "-stdout.txt")));
      System.setErr(tee(System.err, dir().resolve("jvm-" + pid + "-stderr.txt")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir(), e);
    }
  }

  private static PrintStream tee(PrintStream console, Path file) throws IOException {
    OutputStream copy = new FileOutputStream(file.toFile(), true);
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            console.write(b);
            copy.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            copy.write(b, off, len);
          }

          @Override
          public void flush() throws IOException {
            console.flush();
            copy.flush();
          }
        };
    // The console's default charset, as System.out had.
    return new PrintStream(both, true);
  }

  /** A new, empty log file for a process a test starts ({@code worker-*.log}). */
  public static Path newLog(String prefix) throws IOException {
    Files.createDirectories(dir());
    return Files.createTempFile(dir(), prefix + "-", ".log");
  }

  /**
   * Runs the CLI in-process like {@link Main#run(PrintWriter, PrintWriter, String...)}, writing to
   * {@code out} and {@code err} (which may be the same writer), and appends what it printed to
   * {@code cli.txt}, under a line with the arguments, {@code --set KEY=VALUE} left out.
   */
  public static int cli(Writer out, Writer err, String... args) {
    var printed = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new Both(out, printed), true),
            new PrintWriter(new Both(err, printed), true),
            args);
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--set")) {
        i++;
      } else if (!args[i].startsWith("--set=")) {
        shown.add(args[i]);
      }
    }
    String entry =
        "$ weaviate-sync "
            + String.join(" ", shown)
            + "   (exit "
            + code
            + ")\n"
            + printed
            + (printed.toString().endsWith("\n") || printed.getBuffer().isEmpty() ? "" : "\n");
    synchronized (ItOutput.class) {
      try {
        Files.createDirectories(dir());
        Files.writeString(
            dir().resolve("cli.txt"),
            entry,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return code;
  }

  /** Writes to the test's writer and to the copy kept for cli.txt. */
  private static final class Both extends Writer {
    private final Writer target;
    private final StringWriter copy;

    Both(Writer target, StringWriter copy) {
      this.target = target;
      this.copy = copy;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      target.write(cbuf, off, len);
      synchronized (copy) {
        copy.write(cbuf, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      target.flush();
    }

    @Override
    public void close() throws IOException {
      target.close();
    }
  }
}
