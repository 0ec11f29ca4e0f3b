package dev.weaviatesync.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds secret values in files, line by line, and reports them without printing them: a finding
 * names the file, the line and which registered value it is, and shows the line with every secret
 * replaced by its {@link #mask masked form}.
 */
public final class LeakScan {
  private LeakScan() {}

  /** One registered value found on one line. */
  public record Finding(Path file, long line, String masked, String context) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + masked + " in: " + context;
    }
  }

  /** What a scan looked at. */
  public record Result(List<Finding> findings, int files, long lines) {}

  /**
   * The masked form of the {@code index}-th registered value (1-based, the line of {@code
   * target/it-secrets.txt}): its first two characters when it is long enough that they say little,
   * then its length. Never more.
   */
  public static String mask(String secret, int index) {
    String start = secret.length() >= 12 ? secret.substring(0, 2) : "";
    return "<secret #" + index + ": " + start + "*** (" + secret.length() + " chars)>";
  }

  /** {@code text} with every one of {@code secrets} replaced by its masked form. */
  public static String maskAll(String text, List<String> secrets) {
    String out = text;
    // Longest first, so a secret that contains another is masked whole.
    var order = new ArrayList<Integer>();
    for (int i = 0; i < secrets.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> Integer.compare(secrets.get(b).length(), secrets.get(a).length()));
    for (int i : order) {
      out = out.replace(secrets.get(i), mask(secrets.get(i), i + 1));
    }
    return out;
  }

  /** Every regular file under each of {@code roots} that exist, in a stable order. */
  public static List<Path> files(List<Path> roots) throws IOException {
    var out = new ArrayList<Path>();
    for (Path root : roots) {
      if (Files.isRegularFile(root)) {
        out.add(root);
      } else if (Files.isDirectory(root)) {
        try (Stream<Path> walk = Files.walk(root)) {
          walk.filter(Files::isRegularFile).sorted().forEach(out::add);
        }
      }
    }
    return out;
  }

  /** Scans {@code files} for {@code secrets}. */
  public static Result scan(List<Path> files, List<String> secrets) throws IOException {
    var findings = new ArrayList<Finding>();
    long lines = 0;
    for (Path f : files) {
      var decoder =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE);
      try (var in = new BufferedReader(new InputStreamReader(Files.newInputStream(f), decoder))) {
        String line;
        long n = 0;
        while ((line = in.readLine()) != null) {
          n++;
          for (int i = 0; i < secrets.size(); i++) {
            if (line.contains(secrets.get(i))) {
              findings.add(
                  new Finding(
                      f,
                      n,
                      mask(secrets.get(i), i + 1),
                      excerpt(maskAll(line, secrets), mask(secrets.get(i), i + 1))));
            }
          }
        }
        lines += n;
      }
    }
    return new Result(findings, files.size(), lines);
  }

  /** Up to 100 characters either side of the (masked) secret. */
  private static String excerpt(String maskedLine, String masked) {
    int at = maskedLine.indexOf(masked);
    int from = Math.max(0, at - 100);
    int to = Math.min(maskedLine.length(), at + masked.length() + 100);
    return (from > 0 ? "..." : "")
        + maskedLine.substring(from, to).strip()
        + (to < maskedLine.length() ? "..." : "");
  }
}
