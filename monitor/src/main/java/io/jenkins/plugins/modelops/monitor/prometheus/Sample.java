package io.jenkins.plugins.modelops.monitor.prometheus;

import java.time.Instant;
import java.util.Map;

/** One value of an instant vector (or one point of a range), with its series' labels. May be NaN or infinite. */
public record Sample(Map<String, String> labels, Instant time, double value) {

    public Sample {
        labels = Map.copyOf(labels);
    }
}
