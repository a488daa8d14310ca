package io.jenkins.plugins.modelops.usecase;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.BundleManifest;
import io.jenkins.plugins.modelops.bundle.BundleWriter;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.gate.BlessingStatus;
import io.jenkins.plugins.modelops.gate.CheckResult;
import io.jenkins.plugins.modelops.gate.Requirement;
import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.status.ModelNames;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusEvent;
import io.jenkins.plugins.modelops.status.StatusReporter;
import io.jenkins.plugins.modelops.train.ModelTraining;
import io.jenkins.plugins.modelops.train.TrainedModel;
import io.jenkins.plugins.modelops.train.TrainingConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code trainModel} step and {@code modelops train}: train, evaluate, gate and write a bundle. Every input is
 * checked before training starts. This package sits above the stages it strings together ({@code train},
 * {@code gate}, {@code bundle}), so their arrows all point one way.
 */
public final class TrainModel {

    /**
     * @param baseline an earlier bundle whose metrics {@code baseline} in requirements refers to
     * @param requirements offline gate expressions; empty means no blessing is claimed
     * @param name the model's name in its lifecycle status; null for the {@code out} directory's name, as the
     *             server names it
     * @param status where the run's lifecycle status goes ({@code training}, then {@code trained} or {@code
     *               training_failed}); {@link StatusReporter#NONE} for nowhere
     */
    public record Request(TrainingConfig config, Path out, Optional<Path> baseline, List<String> requirements,
                          String name, StatusReporter status) {

        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

        public Request {
            requirements = List.copyOf(requirements);
            status = status == null ? StatusReporter.NONE : status;
            if (name != null && !NAME.matcher(name).matches()) {
                throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " '" + name + "' is not a "
                        + "model name: use letters, digits, '.', '_' or '-', starting with a letter or digit, at most "
                        + "63 characters");
            }
        }

        /** A run that reports its status nowhere. */
        public Request(TrainingConfig config, Path out, Optional<Path> baseline, List<String> requirements) {
            this(config, out, baseline, requirements, null, StatusReporter.NONE);
        }

        /** The name the status goes under: {@code name}, else the output directory's. */
        public String modelName() {
            return name != null ? name : ModelNames.of(out);
        }

        /**
         * This request with every relative path (data, output, baseline) resolved against {@code base}: the
         * workspace on a Jenkins agent, the current directory in the CLI; never the JVM's working directory.
         */
        public Request against(Path base) {
            TrainingConfig c = config;
            TrainingConfig resolved = new TrainingConfig(base.resolve(c.data()), c.spec(), c.algorithm(), c.params(),
                    c.testFraction(), c.folds(), c.seed());
            return new Request(resolved, base.resolve(out), baseline.map(base::resolve), requirements, name, status);
        }
    }

    /** What a run produced. {@code blessing} is empty when no requirement was given. */
    public record Outcome(ModelBundle bundle, Optional<Blessing> blessing) {

        /** Blessing failed: the bundle exists but must not be promoted (CLI exit code 1). */
        public boolean rejected() {
            return blessing.isPresent() && blessing.get().rejected();
        }

        /**
         * The run in plain values (strings, numbers, booleans, lists, maps): {@code modelops train --json} prints
         * it, the {@code trainModel} step returns it, a build action keeps it. Keys: {@code modelId},
         * {@code shortId}, {@code dir}, {@code task}, {@code algorithm}, {@code metrics} (name to number),
         * {@code blessing} ({@code blessed}, {@code not-blessed}, {@code not-evaluated}), {@code blessed} and, with
         * requirements, {@code checks} (one map per requirement).
         */
        public Map<String, Object> summary() {
            BundleManifest manifest = bundle.manifest();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("modelId", manifest.modelId());
            summary.put("shortId", manifest.shortId());
            summary.put("dir", bundle.dir().toString());
            summary.put("task", manifest.task());
            summary.put("algorithm", manifest.algorithm());
            Map<String, Object> metrics = new LinkedHashMap<>();
            bundle.metrics().numericNames().forEach(n -> metrics.put(n, bundle.metrics().get(n)));
            summary.put("metrics", metrics);
            summary.put("blessing", manifest.blessing().id());
            summary.put("blessed", manifest.blessing() == BlessingStatus.BLESSED);
            blessing.ifPresent(b -> summary.put("checks", Json.MAPPER.convertValue(b.checks(), List.class)));
            return summary;
        }
    }

    private TrainModel() {
    }

    /**
     * Trains as {@link #train} does, reporting {@code training} first, then {@code trained} under the model's version
     * or, when the run fails for any reason, {@code training_failed} under {@link ModelStatus#NO_VERSION} with the
     * failure's message as the cause (the failure is rethrown as it was).
     */
    public static Outcome run(Request request, Progress progress) {
        String model = request.modelName();
        StatusReporter status = request.status();
        Instant start = Instant.now();
        // The version is the model's id, unknown until it is trained: the run is "none" until then.
        status.report(new StatusEvent(model, ModelStatus.NO_VERSION, ModelStatus.TRAINING, start, null, null),
                progress);
        Outcome outcome;
        try {
            outcome = train(request, progress);
        } catch (RuntimeException | Error e) {
            status.report(new StatusEvent(model, ModelStatus.NO_VERSION, ModelStatus.TRAINING_FAILED, Instant.now(),
                    cause(e), null), progress);
            throw e;
        }
        ModelBundle bundle = outcome.bundle();
        Instant end = Instant.now();
        Optional<Metric> headline = Metric.headline(bundle.metrics());
        StatusEvent.Training facts = new StatusEvent.Training(Duration.between(start, end),
                bundle.manifest().data().rows(), headline.map(Metric::id).orElse(null),
                headline.map(bundle.metrics()::get).orElse(Double.NaN));
        status.report(new StatusEvent(model, bundle.manifest().shortId(), ModelStatus.TRAINED, end, null, facts),
                progress);
        status.remove(model, ModelStatus.NO_VERSION, progress);
        return outcome;
    }

    /** The failure in words, parameters spelled as the step does (a status outlives the run's caller). */
    private static String cause(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static Outcome train(Request request, Progress progress) {
        List<Requirement> requirements = request.requirements().stream().map(Requirement::parse).toList();
        Optional<Blessing.Baseline> baseline = request.baseline().map(TrainModel::baseline);
        BundleWriter.checkTarget(request.out());
        ModelTraining.Prepared prepared = ModelTraining.prepare(request.config(), progress);
        int classes = prepared.data().task() == Task.CLASSIFICATION
                ? prepared.data().classCounts().size() : 0;
        Blessing.validate(requirements, Metric.available(prepared.data().task(), classes), baseline);

        TrainedModel trained = ModelTraining.train(request.config(), prepared, progress);
        Optional<Blessing> blessing = requirements.isEmpty()
                ? Optional.empty()
                : Optional.of(Blessing.evaluate(requirements, trained.metrics(), baseline));
        ModelBundle bundle = BundleWriter.write(trained, blessing, request.out());
        progress.info(String.format("Wrote model %s to %s", bundle.manifest().shortId(), bundle.dir()));
        blessing.ifPresent(b -> report(b, progress));
        return new Outcome(bundle, blessing);
    }

    private static Blessing.Baseline baseline(Path dir) {
        try {
            ModelBundle bundle = ModelBundle.open(dir);
            return new Blessing.Baseline(bundle.manifest().modelId(), bundle.metrics());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(Parameter.BASELINE, Parameter.BASELINE.ref() + " " + e.getMessage(), e);
        }
    }

    private static void report(Blessing blessing, Progress progress) {
        for (Blessing.Check c : blessing.checks()) {
            progress.info(switch (c.result()) {
                case SKIPPED -> "  SKIPPED " + c.requirement() + ": " + c.reason();
                case NOT_EVALUABLE -> "  NOT EVALUABLE " + c.requirement() + ": " + c.reason();
                default -> "  " + (c.result() == CheckResult.PASS ? "PASS" : "FAIL")
                        + " " + c.requirement() + ": " + c.metric() + " = " + Numbers.fixed(c.value(), 4)
                        + ", threshold " + Numbers.fixed(c.threshold(), 4)
                        + (c.baselineValue() == null ? "" : " (baseline " + Numbers.fixed(c.baselineValue(), 4) + ")");
            });
        }
        progress.info(switch (blessing.status()) {
            case BLESSED -> "Blessed: every evaluated requirement holds";
            case NOT_BLESSED -> "NOT blessed: a requirement failed or could not be evaluated";
            case NOT_EVALUATED -> "No blessing claimed: every requirement was skipped";
        });
    }
}
