package io.jenkins.plugins.modelops.monitor.scrape;

import io.jenkins.plugins.modelops.metrics.ServingContract;
import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * A signal computed from the scrapes of every endpoint the way {@link Signal#query} and {@link Signal#sampleQuery}
 * compute it on Prometheus: {@code rate()} or {@code increase()} of each series of each endpoint (an endpoint's
 * series are apart, as an {@code instance} label keeps them in Prometheus), summed by model and version (and
 * {@code le}), then the ratio, the square root or {@code histogram_quantile}.
 *
 * @param endpoints each endpoint's successful scrapes inside the range, in time order
 * @param start,end the range in epoch milliseconds, both included
 */
record SignalMath(List<List<Scrape>> endpoints, String model, Optional<String> version, Signal.Source source,
                  long start, long end) {

    private static final List<String> BY = List.of(ServingContract.MODEL, ServingContract.VERSION);
    private static final List<String> BY_LE = List.of(ServingContract.MODEL, ServingContract.VERSION, "le");

    /** The value by (model, version): one entry per version that answered. */
    Map<List<String>, Double> value(Signal signal) {
        String feedback = ServingContract.FEEDBACK;
        String absCount = ServingContract.FEEDBACK_ABS_ERROR + "_count";
        Predicate<Series> correct = s -> s.label(ServingContract.OUTCOME).equals(ServingContract.CORRECT);
        Predicate<Series> failed = s -> !s.label(ServingContract.CODE).matches("2..");
        return switch (signal) {
            case ACCURACY -> divide(rate(feedback, feedback().and(correct), BY), rate(feedback, feedback(), BY));
            case MAE -> divide(rate(ServingContract.FEEDBACK_ABS_ERROR + "_sum", feedback(), BY),
                    rate(absCount, feedback(), BY));
            case RMSE -> sqrt(divide(rate(ServingContract.FEEDBACK_SQUARED_ERROR, feedback(), BY),
                    rate(absCount, feedback(), BY)));
            case LATENCY_P50 -> quantile(0.5);
            case LATENCY_P95 -> quantile(0.95);
            case LATENCY_P99 -> quantile(0.99);
            case ERROR_RATE -> errorRatio(rate(ServingContract.REQUESTS, served().and(failed), BY),
                    rate(ServingContract.REQUESTS, served(), BY));
            case REQUEST_RATE -> rate(ServingContract.REQUESTS, served(), BY);
            case ALERTS -> throw new IllegalStateException("alerts are Prometheus' state, not the servers'");
            case LATENCY -> throw new IllegalStateException("latency is a distribution: read its buckets()");
        };
    }

    /** {@code sum by (model, version, le) (increase(..._bucket{..}[range]))}: the requests by latency bucket. */
    Map<List<String>, Double> buckets() {
        return sum(ServingContract.REQUEST_DURATION + "_bucket", served(), BY_LE, false);
    }

    /** How many samples the value rests on: {@code increase()} of labelled feedback, or of requests. */
    Map<List<String>, Double> samples(Signal signal) {
        return switch (signal) {
            case ACCURACY -> sum(ServingContract.FEEDBACK, feedback(), BY, false);
            case MAE, RMSE -> sum(ServingContract.FEEDBACK_ABS_ERROR + "_count", feedback(), BY, false);
            default -> sum(ServingContract.REQUESTS, served(), BY, false);
        };
    }

    /** The model's (and version's) series: what {@code model="..",version=".."} selects. */
    private Predicate<Series> served() {
        return s -> s.label(ServingContract.MODEL).equals(model)
                && version.map(v -> s.label(ServingContract.VERSION).equals(v)).orElse(true);
    }

    /** Feedback of the chosen source: {@code source="label"} or {@code "probe"}, or either. */
    private Predicate<Series> feedback() {
        return switch (source) {
            case LABEL -> served().and(s -> s.label(ServingContract.SOURCE).equals(ServingContract.SOURCE_LABEL));
            case PROBE -> served().and(s -> s.label(ServingContract.SOURCE).equals(ServingContract.SOURCE_PROBE));
            case ANY -> served();
        };
    }

    private Map<List<String>, Double> rate(String name, Predicate<Series> select, List<String> by) {
        return sum(name, select, by, true);
    }

    /** {@code sum by (..) (rate(name{..}[range]))}, or of {@code increase()}; a series with under two points drops. */
    private Map<List<String>, Double> sum(String name, Predicate<Series> select, List<String> by, boolean perSecond) {
        Map<List<String>, Double> sums = new LinkedHashMap<>();
        for (List<Scrape> scrapes : endpoints) {
            Map<Series, List<PromMath.Point>> points = new LinkedHashMap<>();
            for (Scrape scrape : scrapes) {
                long at = scrape.at().toEpochMilli();
                scrape.values().forEach((series, value) -> {
                    if (series.name().equals(name) && select.test(series)) {
                        points.computeIfAbsent(series, k -> new ArrayList<>()).add(new PromMath.Point(at, value));
                    }
                });
            }
            points.forEach((series, samples) -> {
                OptionalDouble rate = PromMath.extrapolatedRate(samples, start, end, perSecond);
                if (rate.isPresent()) {
                    sums.merge(by.stream().map(series::label).toList(), rate.getAsDouble(), Double::sum);
                }
            });
        }
        return sums;
    }

    /** Vector division matched on (model, version): only groups on both sides; 0/0 is NaN as in PromQL. */
    private static Map<List<String>, Double> divide(Map<List<String>, Double> a, Map<List<String>, Double> b) {
        Map<List<String>, Double> out = new LinkedHashMap<>();
        a.forEach((group, value) -> {
            if (b.containsKey(group)) {
                out.put(group, value / b.get(group));
            }
        });
        return out;
    }

    /**
     * {@code (errors or on (model, version) 0 * all) / all}: a version that answered requests but no error has no
     * non-2xx series at all, and its ratio is 0, not no data.
     */
    private static Map<List<String>, Double> errorRatio(Map<List<String>, Double> errors,
                                                        Map<List<String>, Double> all) {
        Map<List<String>, Double> numerator = new LinkedHashMap<>(errors);
        all.forEach((group, value) -> numerator.putIfAbsent(group, 0 * value));
        return divide(numerator, all);
    }

    private static Map<List<String>, Double> sqrt(Map<List<String>, Double> values) {
        Map<List<String>, Double> out = new LinkedHashMap<>();
        values.forEach((group, value) -> out.put(group, Math.sqrt(value)));
        return out;
    }

    /** {@code histogram_quantile(q, sum by (model, version, le) (rate(..._bucket{..}[range])))}. */
    private Map<List<String>, Double> quantile(double q) {
        Map<List<String>, Double> byLe = rate(ServingContract.REQUEST_DURATION + "_bucket", served(), BY_LE);
        Map<List<String>, List<PromMath.Bucket>> histograms = new HashMap<>();
        byLe.forEach((group, rate) -> {
            String le = group.get(2);
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            histograms.computeIfAbsent(group.subList(0, 2), k -> new ArrayList<>()).add(new PromMath.Bucket(bound,
                    rate));
        });
        Map<List<String>, Double> out = new LinkedHashMap<>();
        histograms.forEach((group, buckets) -> out.put(group, PromMath.bucketQuantile(q, buckets)));
        return out;
    }
}
