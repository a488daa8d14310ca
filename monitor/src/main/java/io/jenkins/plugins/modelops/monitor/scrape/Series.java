package io.jenkins.plugins.modelops.monitor.scrape;

import java.util.Map;

/**
 * One time series of one endpoint as Prometheus would store it: the sample name ({@code modelops_requests_total},
 * {@code modelops_request_duration_seconds_bucket}, {@code ..._sum}, {@code ..._count}) and its labels, {@code le}
 * included for a bucket (its bound as Java prints a double, {@code +Inf} for the last).
 */
record Series(String name, Map<String, String> labels) {

    Series {
        labels = Map.copyOf(labels);
    }

    String label(String label) {
        return labels.getOrDefault(label, "");
    }
}
