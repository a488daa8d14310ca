package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.signal.Gauges;
import io.prometheus.metrics.expositionformats.generated.Metrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A server's {@code /metrics} in the Prometheus protobuf format (length-delimited {@code MetricFamily} messages),
 * read with the classes client_java generates from Prometheus' own metrics.proto. Chosen over the text formats
 * because no exposition parser of ours is needed (client_java 1.x writes but does not parse text), and numbers and
 * label values arrive as they are, with no escaping to undo. The version-neutral {@code generated.Metrics} alias
 * keeps this code compiling when client_java moves to another protobuf version.
 */
final class Exposition {

    /** What Prometheus itself sends to get protobuf; the model server's client_java answers it. */
    static final String ACCEPT = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited";
    static final String CONTENT_TYPE = "application/vnd.google.protobuf";

    /**
     * The families the gate's signals are computed from, and the gauges the health page shows; the JVM's and the
     * rest are dropped when parsing.
     */
    private static final Set<String> READ = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            ServingContract.REQUESTS, ServingContract.REQUEST_DURATION, ServingContract.FEEDBACK,
            ServingContract.FEEDBACK_ABS_ERROR, ServingContract.FEEDBACK_SQUARED_ERROR),
            Gauges.ALL.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private Exposition() {
    }

    /**
     * The series of one scrape, named as Prometheus stores them: a counter under its family's name, a classic
     * histogram as {@code _bucket} series (an {@code le} label each, {@code +Inf} added from the count when the
     * exposition leaves it out, as Prometheus does), {@code _sum} and {@code _count}.
     */
    static Map<Series, Double> parse(byte[] body) throws IOException {
        InputStream in = new ByteArrayInputStream(body);
        Map<Series, Double> values = new HashMap<>();
        for (Metrics.MetricFamily family = Metrics.MetricFamily.parseDelimitedFrom(in); family != null;
             family = Metrics.MetricFamily.parseDelimitedFrom(in)) {
            if (!READ.contains(family.getName())) {
                continue;
            }
            for (Metrics.Metric metric : family.getMetricList()) {
                Map<String, String> labels = new HashMap<>();
                for (Metrics.LabelPair pair : metric.getLabelList()) {
                    labels.put(pair.getName(), pair.getValue());
                }
                if (metric.hasCounter()) {
                    values.put(new Series(family.getName(), labels), metric.getCounter().getValue());
                } else if (metric.hasGauge()) {
                    values.put(new Series(family.getName(), labels), metric.getGauge().getValue());
                } else if (metric.hasHistogram()) {
                    histogram(family.getName(), labels, metric.getHistogram(), values);
                }
            }
        }
        return values;
    }

    private static void histogram(String name, Map<String, String> labels, Metrics.Histogram histogram,
                                  Map<Series, Double> values) {
        double count = histogram.hasSampleCountFloat() ? histogram.getSampleCountFloat() : histogram.getSampleCount();
        values.put(new Series(name + "_count", labels), count);
        values.put(new Series(name + "_sum", labels), histogram.getSampleSum());
        boolean inf = false;
        for (Metrics.Bucket bucket : histogram.getBucketList()) {
            double cumulative = bucket.hasCumulativeCountFloat() ? bucket.getCumulativeCountFloat()
                    : bucket.getCumulativeCount();
            inf |= bucket.getUpperBound() == Double.POSITIVE_INFINITY;
            values.put(bucket(name, labels, bucket.getUpperBound()), cumulative);
        }
        if (!inf) {
            values.put(bucket(name, labels, Double.POSITIVE_INFINITY), count);
        }
    }

    private static Series bucket(String name, Map<String, String> labels, double upperBound) {
        Map<String, String> withLe = new HashMap<>(labels);
        withLe.put("le", upperBound == Double.POSITIVE_INFINITY ? "+Inf" : Double.toString(upperBound));
        return new Series(name + "_bucket", withLe);
    }
}
