package io.jenkins.plugins.modelops.usecase;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.BundleWriter;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.gate.CheckResult;
import io.jenkins.plugins.modelops.gate.Requirement;
import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.train.ModelTraining;
import io.jenkins.plugins.modelops.train.TrainedModel;
import io.jenkins.plugins.modelops.train.TrainingConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code trainModel} step and {@code modelops train}: train, evaluate, gate and write a bundle. Every input is
 * checked before training starts. This package sits above the stages it strings together ({@code train},
 * {@code gate}, {@code bundle}), so their arrows all point one way.
 */
public final class TrainModel {

    /**
     * @param baseline an earlier bundle whose metrics {@code baseline} in requirements refers to
     * @param requirements offline gate expressions; empty means no blessing is claimed
     */
    public record Request(TrainingConfig config, Path out, Optional<Path> baseline, List<String> requirements) {

        public Request {
            requirements = List.copyOf(requirements);
        }
    }

    /** What a run produced. {@code blessing} is empty when no requirement was given. */
    public record Outcome(ModelBundle bundle, Optional<Blessing> blessing) {

        /** Blessing failed: the bundle exists but must not be promoted (CLI exit code 1). */
        public boolean rejected() {
            return blessing.isPresent() && blessing.get().rejected();
        }
    }

    private TrainModel() {
    }

    public static Outcome run(Request request, Progress progress) {
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
