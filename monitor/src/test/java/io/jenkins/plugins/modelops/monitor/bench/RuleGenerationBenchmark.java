package io.jenkins.plugins.modelops.monitor.bench;

import io.jenkins.plugins.modelops.monitor.dashboard.GrafanaDashboard;
import io.jenkins.plugins.modelops.monitor.rules.AlertRules;
import io.jenkins.plugins.modelops.monitor.rules.RuleFiles;
import io.jenkins.plugins.modelops.monitor.rules.RuleGroup;
import io.jenkins.plugins.modelops.monitor.signal.Condition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 16's goal "rule generation for 1,000 models under 1 s": one shot generates the rule groups of 1,000 models
 * (each gated on accuracy, p99 latency and error ratio: 7 recording rules and 6 alerts) and writes each in a form
 * users deploy: the rule file, the PrometheusRule, and (apart) the Grafana dashboard. Single shots, because a
 * {@code modelops rules} run is one cold shot; run {@code bench/rules.sh} for cold (fresh JVMs, no warm-up) and warm
 * figures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class RuleGenerationBenchmark {

    static final int MODELS = 1000;
    static final List<Condition> GATE = List.of(Condition.parse("accuracy>=0.9"), Condition.parse("latencyP99<=50ms"),
            Condition.parse("errorRate<=1%"));

    private static AlertRules.Request request(int i) {
        return new AlertRules.Request("model-" + i, "ml", GATE, Duration.ofMinutes(5), Duration.ofMinutes(5), null,
                null, 100);
    }

    /** The rule groups alone, as values. */
    @Benchmark
    public void groups(Blackhole sink) {
        for (int i = 0; i < MODELS; i++) {
            sink.consume(AlertRules.generate(request(i)));
        }
    }

    /** The groups written as Prometheus rule files (YAML): what {@code modelops rules --format file} writes. */
    @Benchmark
    public void ruleFiles(Blackhole sink) {
        for (int i = 0; i < MODELS; i++) {
            sink.consume(RuleFiles.ruleFile(AlertRules.generate(request(i))));
        }
    }

    /** The groups written as PrometheusRule objects (YAML): {@code --format crd}. */
    @Benchmark
    public void prometheusRules(Blackhole sink) {
        for (int i = 0; i < MODELS; i++) {
            RuleGroup group = AlertRules.generate(request(i));
            sink.consume(RuleFiles.prometheusRule(group, "ml", Map.of("release", "prometheus")));
        }
    }

    /** The Grafana dashboards of the same models (JSON). */
    @Benchmark
    public void dashboards(Blackhole sink) {
        for (int i = 0; i < MODELS; i++) {
            sink.consume(GrafanaDashboard.json(new GrafanaDashboard.Request("model-" + i, java.util.Optional.empty(),
                    GATE)));
        }
    }
}
