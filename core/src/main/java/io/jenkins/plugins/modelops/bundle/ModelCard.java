package io.jenkins.plugins.modelops.bundle;

import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.data.FeatureSpec;
import io.jenkins.plugins.modelops.gate.Blessing;
import io.jenkins.plugins.modelops.train.TrainedModel;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code model-card.md}: a model card (Mitchell et al.) written from the bundle's facts only. */
final class ModelCard {

    private ModelCard() {
    }

    static String render(TrainedModel trained, BundleManifest manifest, Optional<Blessing> blessing) {
        StringBuilder md = new StringBuilder();
        TrainedModel.DataFacts data = trained.data();
        md.append("# Model card: ").append(trained.schema().label().name()).append(" (")
                .append(trained.algorithm().id()).append(")\n\n");
        md.append("## Model details\n\n");
        md.append("- Model id: `").append(manifest.modelId()).append("`\n");
        md.append("- Task: ").append(trained.schema().task().id()).append(" (").append(data.taskReason()).append(")\n");
        md.append("- Algorithm: ").append(trained.algorithm().id()).append(" (Tribuo ").append(manifest.tribuoVersion())
                .append(", ").append(trained.model().getClass().getSimpleName()).append(")\n");
        md.append("- Hyperparameters: ").append(inline(trained.params().asMap())).append("\n");
        md.append("- Created: ").append(manifest.createdAt()).append(" by ModelOps ").append(manifest.toolVersion())
                .append("\n\n");

        md.append("## Intended use\n\n");
        md.append("Predicts `").append(trained.schema().label().name()).append("` from the ")
                .append(trained.schema().features().size()).append(" features below, for inputs like the training data. ")
                .append("Inputs outside the observed ranges or with unseen categories are extrapolation; the model ")
                .append("server's strict mode rejects them.\n\n");

        md.append("## Training data\n\n");
        md.append("- File: `").append(data.file()).append("` (SHA-256 `").append(data.sha256()).append("`)\n");
        md.append("- Rows: ").append(data.rows()).append(" used");
        if (data.droppedRows() > 0) {
            md.append(", ").append(data.droppedRows()).append(" dropped for missing values");
        }
        md.append("; ").append(data.trainRows()).append(" for training, ").append(data.testRows())
                .append(" held out for evaluation (seed ").append(manifest.seed()).append(")\n");
        md.append("- Missing values: ").append(switch (trained.schema().missing()) {
            case ERROR -> "none allowed";
            case DROP -> "rows with any dropped";
            case MEAN -> "numeric gaps imputed with the training rows' mean";
        }).append("\n\n");
        if (!data.warnings().isEmpty()) {
            md.append("Warnings about the data:\n\n");
            data.warnings().forEach(w -> md.append("- ").append(w).append("\n"));
            md.append("\n");
        }
        md.append("| feature | type | observed in training |\n|---|---|---|\n");
        for (FeatureSpec f : trained.schema().features()) {
            md.append("| ").append(f.name()).append(" | ").append(f.type().id()).append(" | ");
            if (f.isNumeric()) {
                md.append(number(f.min())).append(" to ").append(number(f.max())).append(", mean ").append(number(f.mean()));
            } else {
                md.append(f.categories().size()).append(" categories: ").append(abbreviate(f.categories()));
            }
            md.append(" |\n");
        }
        List<String> classes = trained.schema().label().classes();
        if (classes != null) {
            md.append("\nClasses: ").append(String.join(", ", classes)).append("\n");
        }

        md.append("\n## Evaluation (held-out rows)\n\n| metric | value |\n|---|---|\n");
        for (String name : trained.metrics().numericNames()) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f |%n", name, trained.metrics().get(name)));
        }
        Object interval = trained.metrics().asMap().get("accuracy_ci95");
        if (interval instanceof List<?> ci) {
            md.append(String.format(Locale.ROOT, "%nAccuracy's 95%% confidence interval over %d test rows: %.3f to %.3f.%n",
                    data.testRows(), (Double) ci.get(0), (Double) ci.get(1)));
        }
        if (trained.metrics().asMap().get("cross_validation") instanceof Map<?, ?> cv) {
            java.util.StringJoiner figures = new java.util.StringJoiner("; ");
            cv.forEach((k, v) -> {
                if (v instanceof Map<?, ?> stats) {
                    figures.add(String.format(Locale.ROOT, "%s %.4f ± %.4f", k, stats.get("mean"), stats.get("std")));
                }
            });
            md.append("\nCross-validation on the training rows (").append(cv.get("folds")).append(" folds): ")
                    .append(figures).append(".\n");
        }

        md.append("\n## Blessing\n\n");
        if (blessing.isEmpty()) {
            md.append("No requirements were given, so no blessing is claimed.\n");
        } else {
            md.append(switch (blessing.get().status()) {
                case BLESSED -> "**Blessed**: every evaluated requirement holds.\n\n";
                case NOT_BLESSED -> "**Not blessed**: a requirement failed or could not be evaluated.\n\n";
                case NOT_EVALUATED -> "**No blessing claimed**: every requirement was skipped.\n\n";
            });
            md.append("| requirement | value | threshold | baseline | result |\n|---|---|---|---|---|\n");
            for (Blessing.Check c : blessing.get().checks()) {
                md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %s | %s |%n", c.requirement(),
                        c.value() == null ? "" : Numbers.fixed(c.value(), 4),
                        c.threshold() == null ? "" : c.operator() + " " + Numbers.fixed(c.threshold(), 4),
                        c.baselineValue() == null ? "" : Numbers.fixed(c.baselineValue(), 4),
                        switch (c.result()) {
                            case PASS -> "pass";
                            case FAIL -> "FAIL";
                            case SKIPPED -> "skipped: " + c.reason();
                            case NOT_EVALUABLE -> "NOT EVALUABLE: " + c.reason();
                        }));
            }
        }
        md.append("\n## Caveats\n\n");
        md.append("- Metrics come from ").append(data.testRows()).append(" held-out rows of the same file; they say ")
                .append("nothing about data that drifts away from it. Gate production traffic with monitorModel.\n");
        return md.toString();
    }

    private static String inline(Map<String, String> params) {
        StringBuilder s = new StringBuilder();
        params.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append('`').append(k).append('=').append(v).append('`'));
        return s.toString();
    }

    /** Categories as code spans (names may hold commas), at most twelve. */
    private static String abbreviate(List<String> values) {
        String shown = values.stream().limit(12).map(v -> "`" + v.replace("|", "\\|") + "`").collect(java.util.stream.Collectors.joining(", "));
        return values.size() > 12 ? shown + ", …" : shown;
    }

    /** Four significant digits without trailing zeros: 0.1, 100, 58.14. */
    private static String number(double value) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", value)).stripTrailingZeros().toPlainString();
    }
}
