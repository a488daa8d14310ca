package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.InvalidInputException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one poll of the page asks for: the charts' range, the rate window of every value, the gate state files to
 * show, the model bundles whose cards and data hashes to show with the models they hold, and the mailbox (the
 * messages a local alert receiver got; empty outside the demo).
 */
public record HealthRequest(Duration range, Duration rateWindow, List<GateFile> gates, List<Path> bundles,
                            List<HealthSnapshot.Mail> mailbox) {

    /** The ranges the page offers, by the name it sends ({@code ?range=15m}). */
    public static final Map<String, Duration> RANGES = ranges();
    public static final Duration DEFAULT_RANGE = Duration.ofMinutes(15);
    /** About this many points a chart: enough for a line, few enough for a poll every few seconds. */
    static final int POINTS = 120;

    /** A gate state file, shown under {@code model} (null: under no model, in the page's gate list). */
    public record GateFile(String model, Path file) {
    }

    public HealthRequest {
        gates = List.copyOf(gates);
        bundles = List.copyOf(bundles);
        mailbox = List.copyOf(mailbox);
        if (rateWindow.toSeconds() < 1) {
            throw new InvalidInputException("the rate window " + rateWindow + " must be at least 1s");
        }
    }

    public static HealthRequest of(Duration rateWindow, List<GateFile> gates) {
        return new HealthRequest(DEFAULT_RANGE, rateWindow, gates, List.of(), List.of());
    }

    /** The range the page chose by name; an unknown one is refused with the names accepted. */
    public HealthRequest withRange(String name) {
        Duration chosen = RANGES.get(name);
        if (chosen == null) {
            throw new InvalidInputException("range '" + name + "' is not one of " + String.join(", ", RANGES.keySet()));
        }
        return new HealthRequest(chosen, rateWindow, gates, bundles, mailbox);
    }

    public HealthRequest withMailbox(List<HealthSnapshot.Mail> messages) {
        return new HealthRequest(range, rateWindow, gates, bundles, messages);
    }

    /** Bundle directories ({@code modelops train --out}): each model whose id one holds shows its card. */
    public HealthRequest withBundles(List<Path> directories) {
        return new HealthRequest(range, rateWindow, gates, directories, mailbox);
    }

    /** Seconds between two points of a chart: the range over {@link #POINTS}, at least a second. */
    public long stepSeconds() {
        return Math.max(1, range.toSeconds() / POINTS);
    }

    private static Map<String, Duration> ranges() {
        Map<String, Duration> ranges = new LinkedHashMap<>();
        ranges.put("5m", Duration.ofMinutes(5));
        ranges.put("15m", Duration.ofMinutes(15));
        ranges.put("1h", Duration.ofHours(1));
        ranges.put("6h", Duration.ofHours(6));
        ranges.put("24h", Duration.ofHours(24));
        return java.util.Collections.unmodifiableMap(ranges);
    }
}
