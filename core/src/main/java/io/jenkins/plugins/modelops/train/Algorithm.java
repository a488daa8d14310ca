package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.data.Task;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.Entropy;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanAbsoluteError;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.sgd.RegressionObjective;
import org.tribuo.regression.sgd.objectives.AbsoluteLoss;
import org.tribuo.regression.sgd.objectives.Huber;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The algorithms {@code trainModel} offers, each a Tribuo trainer with validated hyperparameters. Linear models see
 * standardized features; tree models may see quantile-binned ones ({@code bins}).
 */
public enum Algorithm {

    LOGISTIC("logistic", EnumSet.of(Task.CLASSIFICATION), true, false) {
        @Override
        List<ParamSpec> taskParams(Task task) {
            return sgdParams(5);
        }

        @Override
        Trainer<?> create(Task task, Hyperparameters p, long seed) {
            return new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new LogMulticlass(), adaGrad(p),
                    p.getInt("epochs"), -1, p.getInt("minibatch"), seed);
        }
    },

    SGD("sgd", EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION), true, false) {
        @Override
        List<ParamSpec> taskParams(Task task) {
            // 50 regression epochs: 10 left R² 3-6 points below scikit-learn's SGDRegressor (docs/benchmarks.md)
            List<ParamSpec> params = new ArrayList<>(sgdParams(task == Task.REGRESSION ? 50 : 5));
            params.add(task == Task.CLASSIFICATION
                    ? ParamSpec.choice("loss", "hinge", List.of("hinge", "log"), "hinge: linear SVM; log: logistic")
                    : ParamSpec.choice("loss", "squared", List.of("squared", "absolute", "huber"), "regression loss"));
            return params;
        }

        @Override
        Trainer<?> create(Task task, Hyperparameters p, long seed) {
            if (task == Task.CLASSIFICATION) {
                LabelObjective loss = p.get("loss").equals("log") ? new LogMulticlass() : new Hinge();
                return new org.tribuo.classification.sgd.linear.LinearSGDTrainer(loss, adaGrad(p),
                        p.getInt("epochs"), -1, p.getInt("minibatch"), seed);
            }
            RegressionObjective loss = switch (p.get("loss")) {
                case "absolute" -> new AbsoluteLoss();
                case "huber" -> new Huber();
                default -> new SquaredLoss();
            };
            return new org.tribuo.regression.sgd.linear.LinearSGDTrainer(loss, adaGrad(p), p.getInt("epochs"), -1,
                    p.getInt("minibatch"), seed);
        }
    },

    LIBLINEAR("liblinear", EnumSet.of(Task.CLASSIFICATION), true, false) {
        @Override
        List<ParamSpec> taskParams(Task task) {
            return List.of(
                    ParamSpec.choice("solver", "L2R_LR", Arrays.stream(LinearClassificationType.LinearType.values())
                            .map(Enum::name).toList(), "LibLinear solver; the *_LR ones give probabilities"),
                    ParamSpec.decimal("cost", 1.0, 1e-6, 1e6, "inverse regularisation strength"),
                    ParamSpec.integer("max_iterations", 1000, 1, 1_000_000, "solver iterations"),
                    ParamSpec.decimal("epsilon", 0.01, 1e-9, 1.0, "stopping tolerance"));
        }

        @Override
        Trainer<?> create(Task task, Hyperparameters p, long seed) {
            return new LibLinearClassificationTrainer(
                    new LinearClassificationType(LinearClassificationType.LinearType.valueOf(p.get("solver"))),
                    p.getDouble("cost"), p.getInt("max_iterations"), p.getDouble("epsilon"), seed);
        }
    },

    CART("cart", EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION), false, true) {
        @Override
        List<ParamSpec> taskParams(Task task) {
            return List.of(
                    ParamSpec.integer("max_depth", 10, 1, 64, "maximum tree depth"),
                    ParamSpec.decimal("min_child_weight", 5.0, 0.0, Double.MAX_VALUE,
                            "a node with fewer rows is not split (leaves may hold fewer)"),
                    ParamSpec.decimal("min_impurity_decrease", 0.0, 0.0, Double.MAX_VALUE, "minimum gain to split"),
                    impurity(task),
                    binsParam());
        }

        @Override
        Trainer<?> create(Task task, Hyperparameters p, long seed) {
            return cart(task, p, 1.0f, seed);
        }
    },

    RANDOM_FOREST("random-forest", EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION), false, true) {
        @Override
        List<ParamSpec> taskParams(Task task) {
            return List.of(
                    ParamSpec.integer("trees", 50, 1, 10_000, "number of bagged trees"),
                    ParamSpec.integer("max_depth", 12, 1, 64, "maximum tree depth"),
                    ParamSpec.decimal("min_child_weight", 2.0, 0.0, Double.MAX_VALUE,
                            "a node with fewer rows is not split (leaves may hold fewer)"),
                    ParamSpec.decimal("min_impurity_decrease", 0.0, 0.0, Double.MAX_VALUE, "minimum gain to split"),
                    ParamSpec.decimal("feature_fraction", 0.5, 0.01, 0.99, "fraction of features tried at each split"),
                    impurity(task),
                    binsParam());
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        Trainer<?> create(Task task, Hyperparameters p, long seed) {
            float fraction = (float) p.getDouble("feature_fraction");
            if (task == Task.CLASSIFICATION) {
                return new RandomForestTrainer<Label>((CARTClassificationTrainer) cart(task, p, fraction, seed),
                        new FullyWeightedVotingCombiner(), p.getInt("trees"), seed);
            }
            return new RandomForestTrainer<Regressor>((CARTRegressionTrainer) cart(task, p, fraction, seed),
                    new AveragingCombiner(), p.getInt("trees"), seed);
        }
    },

    XGBOOST("xgboost", EnumSet.of(Task.CLASSIFICATION, Task.REGRESSION), false, false) {
        @Override
        List<ParamSpec> taskParams(Task task) {
            return List.of(
                    ParamSpec.integer("trees", 50, 1, 10_000, "boosting rounds"),
                    ParamSpec.decimal("eta", 0.3, 0.0001, 1.0, "learning rate"),
                    ParamSpec.integer("max_depth", 6, 1, 64, "maximum tree depth"),
                    ParamSpec.decimal("min_child_weight", 1.0, 0.0, Double.MAX_VALUE, "minimum hessian in a leaf"),
                    ParamSpec.decimal("subsample", 1.0, 0.01, 1.0, "row fraction per tree"),
                    ParamSpec.decimal("feature_subsample", 1.0, 0.01, 1.0, "feature fraction per tree"),
                    ParamSpec.decimal("lambda", 1.0, 0.0, Double.MAX_VALUE, "L2 regularisation"),
                    ParamSpec.decimal("alpha", 0.0, 0.0, Double.MAX_VALUE, "L1 regularisation"),
                    ParamSpec.decimal("gamma", 0.0, 0.0, Double.MAX_VALUE, "minimum loss reduction to split"),
                    // Fixed rather than the machine's core count: the config (and so the model id) must not
                    // depend on where the build ran. XGBoost's result does not depend on it either.
                    ParamSpec.integer("threads", 2, 1, 256, "native threads used to train"));
        }

        @Override
        Trainer<?> create(Task task, Hyperparameters p, long seed) {
            if (task == Task.CLASSIFICATION) {
                return new XGBoostClassificationTrainer(p.getInt("trees"), p.getDouble("eta"), p.getDouble("gamma"),
                        p.getInt("max_depth"), p.getDouble("min_child_weight"), p.getDouble("subsample"),
                        p.getDouble("feature_subsample"), p.getDouble("lambda"), p.getDouble("alpha"),
                        p.getInt("threads"), true, seed);
            }
            return new XGBoostRegressionTrainer(XGBoostRegressionTrainer.RegressionType.LINEAR, p.getInt("trees"),
                    p.getDouble("eta"), p.getDouble("gamma"), p.getInt("max_depth"), p.getDouble("min_child_weight"),
                    p.getDouble("subsample"), p.getDouble("feature_subsample"), p.getDouble("lambda"),
                    p.getDouble("alpha"), p.getInt("threads"), true, seed);
        }
    };

    /** Quantile bins for tree training; see docs/benchmarks.md for the speed and accuracy measured. */
    public static final int DEFAULT_BINS = 1024;

    private final String id;
    private final Set<Task> tasks;
    private final boolean standardizes;
    private final boolean bins;

    Algorithm(String id, Set<Task> tasks, boolean standardizes, boolean bins) {
        this.id = id;
        this.tasks = tasks;
        this.standardizes = standardizes;
        this.bins = bins;
    }

    abstract List<ParamSpec> taskParams(Task task);

    abstract Trainer<?> create(Task task, Hyperparameters params, long seed);

    public String id() {
        return id;
    }

    public boolean supports(Task task) {
        return tasks.contains(task);
    }

    /** Linear models learn far better on centred, scaled features; trees don't care. */
    public boolean standardizesFeatures() {
        return standardizes;
    }

    /** The quantile bins this configuration asks for, 0 for none. */
    public int bins(Hyperparameters params) {
        return bins ? params.getInt("bins") : 0;
    }

    public List<ParamSpec> params(Task task) {
        return taskParams(task);
    }

    /** A fresh trainer (Tribuo trainers count their invocations into provenance: never reuse one). */
    public Trainer<?> trainer(Task task, Hyperparameters params, long seed) {
        if (!supports(task)) {
            throw new InvalidInputException(Parameter.ALGORITHM, unsupported(task));
        }
        return create(task, params, seed);
    }

    String unsupported(Task task) {
        return String.format("algorithm '%s' does not do %s; for %s use one of: %s", id, task.id(), task.id(),
                forTask(task).stream().map(Algorithm::id).collect(Collectors.joining(", ")));
    }

    public static Algorithm parse(String value) {
        for (Algorithm algorithm : values()) {
            if (algorithm.id.equalsIgnoreCase(value.strip())) {
                return algorithm;
            }
        }
        throw new InvalidInputException(Parameter.ALGORITHM, "unknown algorithm '" + value + "'; expected one of: "
                + Arrays.stream(values()).map(Algorithm::id).collect(Collectors.joining(", ")));
    }

    public static Algorithm defaultFor(Task task) {
        return task == Task.CLASSIFICATION ? LOGISTIC : SGD;
    }

    public static List<Algorithm> forTask(Task task) {
        return Arrays.stream(values()).filter(a -> a.supports(task)).toList();
    }

    private static List<ParamSpec> sgdParams(int epochs) {
        return new ArrayList<>(List.of(
                ParamSpec.integer("epochs", epochs, 1, 10_000, "passes over the training data"),
                ParamSpec.decimal("learning_rate", 1.0, 1e-9, 1e6, "AdaGrad initial learning rate"),
                ParamSpec.decimal("epsilon", 0.1, 1e-12, 1e6, "AdaGrad epsilon"),
                ParamSpec.integer("minibatch", 1, 1, 1_000_000, "examples per gradient step")));
    }

    private static AdaGrad adaGrad(Hyperparameters p) {
        return new AdaGrad(p.getDouble("learning_rate"), p.getDouble("epsilon"));
    }

    private static ParamSpec impurity(Task task) {
        return task == Task.CLASSIFICATION
                ? ParamSpec.choice("impurity", "gini", List.of("gini", "entropy"), "split criterion")
                : ParamSpec.choice("impurity", "mse", List.of("mse", "mae"), "split criterion");
    }

    private static ParamSpec binsParam() {
        return ParamSpec.integer("bins", DEFAULT_BINS, 0, 65_536,
                "quantile bins per continuous feature before training (0: off)");
    }

    private static Trainer<?> cart(Task task, Hyperparameters p, float featureFraction, long seed) {
        int depth = p.getInt("max_depth");
        float minChild = (float) p.getDouble("min_child_weight");
        float minDecrease = (float) p.getDouble("min_impurity_decrease");
        if (task == Task.CLASSIFICATION) {
            return new CARTClassificationTrainer(depth, minChild, minDecrease, featureFraction, false,
                    p.get("impurity").equals("entropy") ? new Entropy() : new GiniIndex(), seed);
        }
        return new CARTRegressionTrainer(depth, minChild, minDecrease, featureFraction, false,
                p.get("impurity").equals("mae") ? new MeanAbsoluteError() : new MeanSquaredError(), seed);
    }
}
