package io.jenkins.plugins.modelops;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them in flags and step parameters: {@code 90s}, {@code 5m}, {@code 1h}, {@code PT5M}. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Durations() {
    }

    /** {@code 5m}, {@code 90s}, {@code 1h}, {@code 500ms}, {@code 300} (seconds) or ISO-8601 ({@code PT5M}). */
    public static Duration parse(String text, Parameter parameter) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            Matcher m = SHORT.matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new InvalidInputException(parameter, parameter.ref() + " '" + text
                + "' is not a duration: give 90s, 5m, 1h or ISO-8601 (PT5M)");
    }
}
