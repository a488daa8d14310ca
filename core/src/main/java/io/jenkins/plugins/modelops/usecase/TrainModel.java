package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.BundleWriter;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.gate.Requirement;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code trainModel} step and {@code modelops train}: train, evaluate, gate and write a bundle. Every input is
 * checked before training starts.
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
        Optional<Blessing.Baseline> baseline = request.baseline().map(dir -> {
            ModelBundle bundle = ModelBundle.open(dir);
            return new Blessing.Baseline(bundle.manifest().modelId(), bundle.metrics());
        });
        BundleWriter.checkTarget(request.out());
        ModelTraining.Prepared prepared = ModelTraining.prepare(request.config(), progress);
        Blessing.validate(requirements, metricNames(prepared), baseline);

        TrainedModel trained = ModelTraining.train(request.config(), prepared, progress);
        Optional<Blessing> blessing = requirements.isEmpty()
                ? Optional.empty()
                : Optional.of(Blessing.evaluate(requirements, trained.metrics(), baseline));
        ModelBundle bundle = BundleWriter.write(trained, blessing, request.out());
        progress.info(String.format("Wrote model %s to %s", bundle.manifest().shortId(), bundle.dir()));
        blessing.ifPresent(b -> {
            for (Blessing.Check c : b.checks()) {
                progress.info(c.reason() != null
                        ? String.format("  SKIPPED %s: %s", c.requirement(), c.reason())
                        : String.format("  %s %s: %s = %.4f, threshold %.4f%s", c.passed() ? "PASS" : "FAIL",
                                c.requirement(), c.metric(), c.value(), c.threshold(),
                                c.baselineValue() == null ? "" : String.format(" (baseline %.4f)", c.baselineValue())));
            }
            progress.info(switch (b.status()) {
                case Blessing.BLESSED -> "Blessed: every evaluated requirement holds";
                case Blessing.NOT_BLESSED -> "NOT blessed: a requirement failed";
                default -> "No blessing claimed: every requirement was skipped";
            });
        });
        return new Outcome(bundle, blessing);
    }

    private static java.util.Set<String> metricNames(ModelTraining.Prepared prepared) {
        if (prepared.data().task() == Task.REGRESSION) {
            return Metrics.REGRESSION;
        }
        boolean binary = prepared.data().classCounts().size() == 2;
        return binary ? Metrics.CLASSIFICATION
                : Metrics.CLASSIFICATION.stream().filter(m -> !m.equals("roc_auc")).collect(java.util.stream.Collectors.toSet());
    }
}
