package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.classification.Label;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.regression.Regressor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The trees of a Tribuo XGBoost model evaluated in Java, giving what the native path ({@link XGBoostBatch}: Tribuo's
 * {@code XGBoostTrainer.convertExamples}, xgboost4j 1.6.2's {@code Booster.predict}, Tribuo's output converters)
 * gives, without its 30-50 µs of native overhead per call (a DMatrix per call, JNI, the predictor's setup).
 * <p>
 * The trees are read from each booster's JSON model ({@code Booster.toByteArray("json")}: every split's feature,
 * threshold and default direction, every leaf value, the base score, the objective and the tree-to-class map, its
 * floats printed to round-trip) into flat primitive arrays. Prediction mirrors xgboost 1.6.2's CPU predictor step for
 * step:
 * <ul>
 * <li>Features: a row is the model's feature vector ({@link Predictor}), slot = Tribuo feature id, as Tribuo's
 * conversion makes DMatrix entries: every feature of the example that the map knows, zero values included, cast to
 * float. A NaN slot (the example lacks the feature) is missing and follows the split's default direction, as an
 * absent entry does in XGBoost. A value too large for a float (infinite once cast) is refused, as XGBoost refuses
 * it.</li>
 * <li>Splits: {@code (float) value < threshold} goes to the left child, otherwise to the left child's successor
 * (XGBoost's predictor computes the right child as {@code left + 1}, not from the stored right child).</li>
 * <li>Sums: a float per output starting at the base score, leaf values added in float in tree order.</li>
 * <li>{@code multi:softprob}: XGBoost's softmax (the exponential of the margin minus the float maximum, as a float, summed in double,
 * each divided by the float sum); the regression objectives supported are identities.</li>
 * </ul>
 * Immutable and thread-safe; each thread keeps a scratch buffer so that a prediction allocates nothing of its own.
 */
final class XGBoostTrees {

    /** Objectives whose prediction is the margin itself and whose base score is the margin's start. */
    private static final Set<String> IDENTITY_REGRESSION = Set.of("reg:squarederror", "reg:linear",
            "reg:pseudohubererror");
    private static final String SOFTPROB = "multi:softprob";

    /** Numbers kept as the decimal text XGBoost printed, so that each parses straight to the float it was. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private final ImmutableFeatureMap featureMap;
    private final int width;
    private final int outputs;
    private final boolean softmax;
    private final float[] base;
    /** Per tree: its root's node index and the output (class or regression dimension) it adds to. */
    private final int[] roots;
    private final int[] groups;
    /** Per node: split feature, or -1 for a leaf. */
    private final int[] feature;
    /** Per node: split threshold, or the leaf value. */
    private final float[] value;
    /** Per node: the left child; the right child is {@code left + 1}, as XGBoost's predictor assumes. */
    private final int[] left;
    /** Per node: the child taken when the feature is missing. */
    private final int[] missing;
    private final ThreadLocal<Scratch> scratch;

    private XGBoostTrees(ImmutableFeatureMap featureMap, int width, int outputs, boolean softmax, float[] base,
                         int[] roots, int[] groups, int[] feature, float[] value, int[] left, int[] missing) {
        this.featureMap = featureMap;
        this.width = width;
        this.outputs = outputs;
        this.softmax = softmax;
        this.base = base;
        this.roots = roots;
        this.groups = groups;
        this.feature = feature;
        this.value = value;
        this.left = left;
        this.missing = missing;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(width, outputs));
    }

    /** Per-thread buffers: the row as floats (NaN when absent), and the margins. */
    private static final class Scratch {
        final float[] x;
        final float[] margin;

        Scratch(int width, int outputs) {
            x = new float[width];
            margin = new float[outputs];
        }
    }

    /** Why {@link #of} cannot represent a model; it returns null then. */
    private static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Null if it cannot represent the model exactly (unsupported objective, booster type gblinear/dart, categorical
     * splits, vector leaves, etc.): the caller then keeps the native path.
     */
    static XGBoostTrees of(XGBoostModel<?> model) {
        try {
            return build(model);
        } catch (Unsupported e) {
            return null;
        }
    }

    /** Why {@link #of} returns null for this model, or null if it does not (for a log line). */
    static String unsupportedReason(XGBoostModel<?> model) {
        try {
            build(model);
            return null;
        } catch (Unsupported e) {
            return e.getMessage();
        }
    }

    private static XGBoostTrees build(XGBoostModel<?> model) throws Unsupported {
        Object witness = model.getOutputIDInfo().getDomain().iterator().next();
        boolean classification;
        if (witness instanceof Label) {
            classification = true;
        } else if (witness instanceof Regressor) {
            classification = false;
        } else {
            throw new Unsupported("outputs of type " + witness.getClass().getSimpleName());
        }
        List<Booster> boosters = model.getInnerModels(); // copies, freed below
        try {
            List<byte[]> json = new ArrayList<>(boosters.size());
            for (Booster booster : boosters) {
                json.add(booster.toByteArray("json"));
            }
            return build(json, classification, model.getOutputIDInfo().size(), model.getFeatureIDMap());
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost could not write its model as JSON: " + e.getMessage(), e);
        } finally {
            for (Booster booster : boosters) {
                booster.dispose();
            }
        }
    }

    /**
     * Builds from the boosters' JSON models ({@code Booster.toByteArray("json")}), in the model's booster order, or
     * returns null as {@link #of} does. Package-private so that tests can feed altered models.
     *
     * @param outputs the number of classes (classification: one booster) or of regression dimensions (one booster
     *                each)
     */
    static XGBoostTrees fromJson(List<byte[]> boosters, boolean classification, int outputs,
                                 ImmutableFeatureMap featureMap) {
        try {
            return build(boosters, classification, outputs, featureMap);
        } catch (Unsupported e) {
            return null;
        }
    }

    private static XGBoostTrees build(List<byte[]> boosters, boolean classification, int outputs,
                                      ImmutableFeatureMap featureMap) throws Unsupported {
        if (classification ? boosters.size() != 1 : boosters.size() != outputs) {
            throw new Unsupported(boosters.size() + " boosters for " + outputs + (classification ? " classes"
                    : " regression dimensions"));
        }
        int width = featureMap.size();
        float[] base = new float[outputs];
        List<JsonNode> trees = new ArrayList<>();
        List<Integer> treeGroups = new ArrayList<>();
        for (int b = 0; b < boosters.size(); b++) {
            JsonNode learner = parse(boosters.get(b)).path("learner");
            String objective = learner.path("objective").path("name").asText();
            JsonNode param = learner.path("learner_model_param");
            int numClass = integer(param, "num_class");
            if (classification ? !objective.equals(SOFTPROB) || numClass != outputs
                    : !IDENTITY_REGRESSION.contains(objective) || numClass > 1) {
                throw new Unsupported("objective " + objective + " with num_class " + numClass + " for "
                        + (classification ? outputs + " classes" : "regression"));
            }
            if (param.has("num_target") && integer(param, "num_target") != 1) {
                throw new Unsupported("num_target " + param.path("num_target").asText());
            }
            width = Math.max(width, integer(param, "num_feature"));
            // ProbToMargin is the identity for softprob and these regressions: the base score is the start margin.
            float baseScore = decimal(param.path("base_score"));
            JsonNode booster = learner.path("gradient_booster");
            String kind = booster.path("name").asText();
            if (!kind.equals("gbtree")) {
                throw new Unsupported("booster " + kind);
            }
            JsonNode gbtree = booster.path("model");
            if (integer(gbtree.path("gbtree_model_param"), "size_leaf_vector") != 0) {
                throw new Unsupported("vector leaves");
            }
            JsonNode info = gbtree.path("tree_info");
            JsonNode list = gbtree.path("trees");
            if (!list.isArray() || !info.isArray() || info.size() != list.size()) {
                throw new Unsupported("trees and tree_info do not match");
            }
            for (int t = 0; t < list.size(); t++) {
                int group = info.get(t).asInt(-1);
                if (group < 0 || group >= Math.max(numClass, 1)) {
                    throw new Unsupported("tree " + t + " of group " + info.get(t));
                }
                trees.add(list.get(t));
                treeGroups.add(classification ? group : b);
            }
            if (classification) {
                Arrays.fill(base, baseScore);
            } else {
                base[b] = baseScore;
            }
        }

        int nodes = 0;
        for (JsonNode tree : trees) {
            nodes += tree.path("left_children").size();
        }
        int[] roots = new int[trees.size()];
        int[] groups = new int[trees.size()];
        int[] feature = new int[nodes];
        float[] value = new float[nodes];
        int[] left = new int[nodes];
        int[] missing = new int[nodes];
        int offset = 0;
        for (int t = 0; t < trees.size(); t++) {
            JsonNode tree = trees.get(t);
            int size = tree.path("left_children").size();
            readTree(t, tree, size, offset, width, feature, value, left, missing);
            roots[t] = offset;
            groups[t] = treeGroups.get(t);
            offset += size;
        }
        return new XGBoostTrees(featureMap, width, outputs, classification, base, roots, groups, feature, value, left,
                missing);
    }

    private static void readTree(int t, JsonNode tree, int size, int offset, int width, int[] feature, float[] value,
                                 int[] left, int[] missing) throws Unsupported {
        JsonNode lefts = tree.path("left_children");
        JsonNode rights = tree.path("right_children");
        JsonNode indices = tree.path("split_indices");
        JsonNode conditions = tree.path("split_conditions");
        JsonNode defaults = tree.path("default_left");
        JsonNode types = tree.path("split_type");
        if (size == 0 || rights.size() != size || indices.size() != size || conditions.size() != size
                || defaults.size() != size || integer(tree.path("tree_param"), "num_nodes") != size) {
            throw new Unsupported("tree " + t + " has arrays of different lengths");
        }
        if (integer(tree.path("tree_param"), "size_leaf_vector") != 0) {
            throw new Unsupported("vector leaves");
        }
        for (int n = 0; n < size; n++) {
            int l = lefts.get(n).asInt();
            int i = offset + n;
            value[i] = decimal(conditions.get(n));
            if (l == -1) {
                feature[i] = -1;
                continue;
            }
            int r = rights.get(n).asInt();
            int f = indices.get(n).asInt();
            if (types.size() == size && types.get(n).asInt() != 0) {
                throw new Unsupported("categorical split in tree " + t);
            }
            // Only left + 1 is ever taken for a present value; the stored right child only for a missing one.
            if (l <= n || l + 1 >= size || r <= n || r >= size || f < 0 || f >= width) {
                throw new Unsupported("tree " + t + " node " + n + " has children " + l + ", " + r + " and feature "
                        + f);
            }
            JsonNode d = defaults.get(n);
            boolean defaultLeft = d.isBoolean() ? d.booleanValue() : d.asInt() != 0;
            feature[i] = f;
            left[i] = offset + l;
            missing[i] = offset + (defaultLeft ? l : r);
        }
        // Children always follow their parent (checked above), so every walk ends at a leaf.
    }

    private static JsonNode parse(byte[] json) throws Unsupported {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new Unsupported("unreadable JSON model: " + e.getMessage() + " ("
                    + new String(json, 0, Math.min(json.length, 80), StandardCharsets.UTF_8) + ")");
        }
    }

    private static int integer(JsonNode parent, String field) throws Unsupported {
        JsonNode node = parent.path(field);
        try {
            return Integer.parseInt(node.asText());
        } catch (NumberFormatException e) {
            throw new Unsupported("no integer " + field + " in the JSON model (" + node + ")");
        }
    }

    /** A float exactly as XGBoost wrote it: a JSON number or, for the base score, a string. */
    private static float decimal(JsonNode node) throws Unsupported {
        String text = node.isNumber() ? node.numberValue().toString() : node.asText();
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw new Unsupported("not a number in the JSON model: " + node);
        }
    }

    /**
     * Number of outputs per row: number of classes (classification, indexed by Tribuo output id, i.e.
     * {@code model.getOutputIDInfo().getID(label)}) or of regression dimensions (1 for ModelOps models).
     */
    int outputs() {
        return outputs;
    }

    /**
     * Predicts one encoded row into {@code out[0..outputs())}: class probabilities by Tribuo output id, or the
     * regression value(s), exactly what Tribuo/{@link XGBoostBatch} gives. {@code row[id]} is the value of Tribuo's
     * feature {@code id}, NaN where the example lacks it: missing for XGBoost, so the split's default direction. A
     * zero is a value, as in Tribuo's conversion, which keeps zeros.
     *
     * A row with every feature absent follows the default directions, as native XGBoost does for one of NaNs (the
     * encoder refuses rows the model knows nothing of before they get here).
     *
     * @throws io.jenkins.plugins.modelops.InvalidInputException if a value is too large for a float (where the native
     *         path fails too): a 400 naming the feature
     */
    void predict(double[] row, double[] out) {
        Scratch s = scratch.get();
        float[] x = s.x;
        for (int id = 0; id < width; id++) {
            float v = (float) row[id];
            if (Float.isInfinite(v)) {
                throw new io.jenkins.plugins.modelops.InvalidInputException("feature '"
                        + featureMap.get(id).getName() + "' = " + row[id]
                        + " is too large for XGBoost, which reads values as floats");
            }
            x[id] = v;
        }
        evaluate(x, s.margin, out);
    }

    private void evaluate(float[] x, float[] margin, double[] out) {
        System.arraycopy(base, 0, margin, 0, outputs);
        int[] feature = this.feature;
        float[] value = this.value;
        int[] left = this.left;
        int[] missing = this.missing;
        for (int t = 0; t < roots.length; t++) {
            int n = roots[t];
            int f;
            while ((f = feature[n]) >= 0) {
                float v = x[f];
                n = v != v ? missing[n] : v < value[n] ? left[n] : left[n] + 1;
            }
            margin[groups[t]] += value[n];
        }
        if (softmax) {
            softmax(margin);
        }
        for (int k = 0; k < outputs; k++) {
            out[k] = margin[k];
        }
    }

    /**
     * xgboost's common::Softmax: float max, exponential as a float, sum in double, each divided by the sum as a float.
     * XGBoost calls glibc's expf, which is not correctly rounded; Math.exp rounded to float can differ by one ulp.
     */
    private void softmax(float[] margin) {
        float max = margin[0];
        for (int k = 1; k < outputs; k++) {
            max = fmaxf(margin[k], max);
        }
        double sum = 0;
        for (int k = 0; k < outputs; k++) {
            float e = (float) Math.exp(margin[k] - max);
            margin[k] = e;
            sum += e;
        }
        float total = (float) sum;
        for (int k = 0; k < outputs; k++) {
            margin[k] /= total;
        }
    }

    private static float fmaxf(float a, float b) {
        if (a != a) {
            return b;
        }
        if (b != b) {
            return a;
        }
        return a > b ? a : b;
    }
}
