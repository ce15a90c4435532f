package ir.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of times given on the command line and formatting of times and durations for people. */
public final class Times {
    private static final Pattern RELATIVE = Pattern.compile("-\\s*(\\d+)\\s*([smhdw])");
    private static final Pattern DATE_TIME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})[ T](\\d{1,2}:\\d{2}(:\\d{2})?)");
    private static final Pattern TIME = Pattern.compile("\\d{1,2}:\\d{2}(:\\d{2})?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** A small allowance for clocks of two machines: a time further ahead is a typo. */
    private static final Duration FUTURE_SLACK = Duration.ofMinutes(5);
    /** The years ir accepts and writes: four digits of the common era, as RFC 3339 allows. */
    public static final int MIN_YEAR = 1;
    public static final int MAX_YEAR = 9999;
    public static final String FORMATS = "use RFC 3339 (2015-10-21T14:54:00Z), 'YYYY-MM-DD HH:MM', 'HH:MM' (local, "
            + "today) or a relative time such as -15m, -2h, -1d";

    private Times() {
    }

    /** Parses a point in time; {@code option} names the flag in the error message. Refuses times in the future. */
    public static Instant parse(String text, Clock clock, String option) {
        Instant at = parseAny(text, clock, option);
        if (at.isAfter(clock.instant().plus(FUTURE_SLACK))) {
            throw IrException.usage(option + " '" + text + "' is in the future (now is " + format(clock.instant())
                    + "): give a past time, with its date if it was before midnight");
        }
        return at;
    }

    /** Like {@link #parse} but accepts future times too (due dates). A bare date means its start, local time. */
    public static Instant parseAny(String text, Clock clock, String option) {
        String t = text == null ? "" : text.trim();
        Instant at = parseUnchecked(t, clock, option);
        if (!inRange(at)) {
            throw IrException.usage(option + " '" + t + "' is outside the years " + String.format(Locale.ROOT,
                    "%04d..%04d", MIN_YEAR, MAX_YEAR) + " that ir keeps: give a date of the common era");
        }
        return at;
    }

    /** True when {@code at} falls in the years {@link #MIN_YEAR}..{@link #MAX_YEAR} (UTC). */
    public static boolean inRange(Instant at) {
        return !at.isBefore(EARLIEST) && at.isBefore(AFTER_LATEST);
    }

    private static final Instant EARLIEST = LocalDate.of(MIN_YEAR, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant AFTER_LATEST = LocalDate.of(MAX_YEAR + 1, 1, 1).atStartOfDay(ZoneOffset.UTC)
            .toInstant();

    private static Instant parseUnchecked(String t, Clock clock, String option) {
        try {
            if (t.equalsIgnoreCase("now")) {
                return clock.instant().truncatedTo(ChronoUnit.SECONDS);
            }
            Matcher rel = RELATIVE.matcher(t);
            if (rel.matches()) {
                long n = Long.parseLong(rel.group(1));
                Duration d = switch (rel.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(7 * n);
                };
                return clock.instant().minus(d).truncatedTo(ChronoUnit.SECONDS);
            }
            Matcher dt = DATE_TIME.matcher(t);
            if (dt.matches()) {
                LocalDateTime ldt = LocalDateTime.of(LocalDate.parse(dt.group(1), DAY), parseTime(dt.group(2)));
                return ldt.atZone(clock.getZone()).toInstant();
            }
            if (TIME.matcher(t).matches()) {
                LocalDate today = LocalDate.now(clock);
                return LocalDateTime.of(today, parseTime(t)).atZone(clock.getZone()).toInstant();
            }
            if (DATE.matcher(t).matches()) {
                return LocalDate.parse(t, DAY).atStartOfDay(clock.getZone()).toInstant();
            }
            return OffsetDateTime.parse(t.toUpperCase(Locale.ROOT).replace(' ', 'T'), RFC3339)
                    .toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (java.time.DateTimeException | ArithmeticException | NumberFormatException e) {
            throw IrException.usage("invalid time for " + option + " '" + t + "': " + FORMATS);
        }
    }

    /**
     * A calendar date, strictly: 2026-02-30 is an error, never 28 February. Exactly four digits of year, so a sign
     * (years before the common era or past 9999) is not a date here.
     */
    private static final DateTimeFormatter DAY = new java.time.format.DateTimeFormatterBuilder()
            .appendValue(java.time.temporal.ChronoField.YEAR, 4).appendLiteral('-')
            .appendValue(java.time.temporal.ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(java.time.temporal.ChronoField.DAY_OF_MONTH, 2).toFormatter(Locale.ROOT)
            .withChronology(java.time.chrono.IsoChronology.INSTANCE).withResolverStyle(ResolverStyle.STRICT);

    private static final DateTimeFormatter RFC3339 = new java.time.format.DateTimeFormatterBuilder()
            .append(DAY).appendLiteral('T')
            .appendPattern("HH:mm").optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendOffset("+HH:MM", "Z").toFormatter(Locale.ROOT)
            .withChronology(java.time.chrono.IsoChronology.INSTANCE).withResolverStyle(ResolverStyle.STRICT);

    private static LocalTime parseTime(String s) {
        String[] p = s.split(":");
        return LocalTime.of(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p.length > 2 ? Integer.parseInt(p[2]) : 0);
    }

    private static final Pattern RELATIVE_DATE = Pattern.compile("\\+(\\d{1,9})([dw])");

    /** A date such as a due date: {@code YYYY-MM-DD}, or a relative {@code +3d}, {@code +2w}. */
    public static LocalDate parseDate(String text, Clock clock, String option) {
        String t = text == null ? "" : text.trim();
        Matcher m = RELATIVE_DATE.matcher(t);
        LocalDate date;
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                date = LocalDate.now(clock).plusDays(m.group(2).equals("w") ? Math.multiplyExact(7L, n) : n);
            } else {
                date = LocalDate.parse(t, DAY);
            }
        } catch (java.time.DateTimeException | ArithmeticException | NumberFormatException e) {
            throw IrException.usage("invalid date for " + option + " '" + t + "': use YYYY-MM-DD or +3d / +2w");
        }
        if (date.getYear() < MIN_YEAR || date.getYear() > MAX_YEAR) {
            throw IrException.usage(option + " '" + t + "' is outside the years " + String.format(Locale.ROOT,
                    "%04d..%04d", MIN_YEAR, MAX_YEAR) + " that ir keeps: give a date of the common era");
        }
        return date;
    }

    /** RFC 3339 in UTC with second precision, as in the files. */
    public static String format(Instant at) {
        return at == null ? "" : DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code 2015-10-21 14:54} in UTC, or in the clock's zone when {@code local}. */
    /** Built once: {@code ir list} formats a time per incident. */
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);

    public static String short_(Instant at, Clock clock, boolean local) {
        if (at == null) {
            return "";
        }
        if (!local) {
            // By hand: DateTimeFormatter.format was a tenth of `ir list` with 10,000 incidents.
            java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(at.getEpochSecond(), 0, ZoneOffset.UTC);
            if (t.getYear() >= 1000 && t.getYear() <= 9999) {
                char[] c = "0000-00-00 00:00Z".toCharArray();
                digits(c, 0, t.getYear(), 4);
                digits(c, 5, t.getMonthValue(), 2);
                digits(c, 8, t.getDayOfMonth(), 2);
                digits(c, 11, t.getHour(), 2);
                digits(c, 14, t.getMinute(), 2);
                return new String(c);
            }
        }
        DateTimeFormatter f = SHORT;
        return local ? f.format(at.atZone(clock.getZone())) : f.format(at.atOffset(ZoneOffset.UTC)) + "Z";
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** A duration for people: {@code 1h 06m}, {@code 45m}, {@code 2d 3h}, {@code 30s}. */
    public static String human(Duration d) {
        if (d == null) {
            return "";
        }
        String sign = d.isNegative() ? "-" : "";
        long s = Math.abs(d.getSeconds());
        long days = s / 86400;
        long h = (s % 86400) / 3600;
        long m = (s % 3600) / 60;
        if (days > 0) {
            return sign + days + "d " + h + "h";
        }
        if (h > 0) {
            return sign + h + "h " + String.format(Locale.ROOT, "%02dm", m);
        }
        if (m > 0) {
            return sign + m + "m";
        }
        return sign + s + "s";
    }
}
