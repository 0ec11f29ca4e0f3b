package dev.weaviatesync.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses a point in time: RFC 3339 ({@code 2026-11-29T10:00:00Z}), a date (UTC midnight), or "ago"
 * ({@code 30m}, {@code 2h}, {@code 7d}).
 */
final class TimeArg implements CommandLine.ITypeConverter<Instant> {
  private static final Pattern AGO = Pattern.compile("(\\d+)([smhd])");

  @Override
  public Instant convert(String value) {
    return parse(value);
  }

  static Instant parse(String value) {
    var m = AGO.matcher(value.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return Instant.now().minus(d);
    }
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(value.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not a time: use 2026-11-29T10:00:00Z, 2026-11-29, or an age like 30m, 2h, 7d");
      }
    }
  }
}
