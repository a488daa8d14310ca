package io.jenkins.plugins.modelops.data;

import io.jenkins.plugins.modelops.InvalidInputException;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.impl.ArrayExample;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns feature values into Tribuo examples, the same way for training rows and for requests: missing numeric
 * values imputed with the training mean (policy {@code mean}), quantile bins for tree models, centring and scaling for
 * linear models, one-hot {@code name=category} features for text columns. Unknown categories encode as all zeros.
 */
public final class FeatureEncoder {

    private final ModelSchema schema;
    private final List<FeatureSpec> features;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<java.util.Set<String>> categories;
    private final int width;

    public FeatureEncoder(ModelSchema schema) {
        this.schema = schema;
        this.features = schema.features();
        for (int i = 0; i < features.size(); i++) {
            index.put(features.get(i).name(), i);
        }
        this.width = features.size();
        this.categories = features.stream()
                .map(f -> f.isNumeric() ? java.util.Set.<String>of() : java.util.Set.copyOf(f.categories())).toList();
    }

    public ModelSchema schema() {
        return schema;
    }

    /**
     * A training or evaluation row. The data must have passed {@link LabeledData} validation. A test row whose
     * categories were all unseen in the training rows encodes as "none of the known ones", so it is scored (as a
     * linear model's bias, a tree's path for absent features) instead of stopping the run.
     */
    public <T extends Output<T>> Example<T> encode(LabeledData data, int row, T output) {
        double[] numbers = new double[width];
        String[] texts = new String[width];
        List<LabeledData.Column> columns = data.features();
        for (int f = 0; f < width; f++) {
            LabeledData.Column column = columns.get(f);
            if (column.type() == ColumnType.NUMERIC) {
                numbers[f] = column.numbers()[row];
            } else {
                texts[f] = column.texts()[row];
            }
        }
        return build(output, numbers, texts, true);
    }

    /**
     * A request: feature name to a JSON value (a {@link Number} for numeric features; a {@link String}, or a whole
     * number, for categorical ones; null or absent for missing). Throws {@link InvalidInputException} naming the
     * feature and the problem.
     *
     * @param strict also reject numbers outside the training range and categories never seen in training
     */
    public <T extends Output<T>> Example<T> encode(Map<String, ?> values, T output, boolean strict) {
        double[] numbers = new double[width];
        String[] texts = new String[width];
        read(values, strict, numbers, texts);
        return build(output, numbers, texts, false);
    }

    /**
     * A request straight into a model's feature vector (see {@link Layout}): the same checks and values as {@link
     * #encode(Map, Output, boolean)}, without building an example.
     */
    public double[] vector(Map<String, ?> values, boolean strict, Layout layout) {
        double[] numbers = new double[width];
        String[] texts = new String[width];
        read(values, strict, numbers, texts);
        return place(numbers, texts, layout);
    }

    private void read(Map<String, ?> values, boolean strict, double[] numbers, String[] texts) {
        for (String name : values.keySet()) {
            if (!index.containsKey(name)) {
                throw new InvalidInputException("unknown feature '" + name + "'; the model's features are: "
                        + String.join(", ", schema.featureNames()));
            }
        }
        for (int f = 0; f < width; f++) {
            FeatureSpec spec = features.get(f);
            Object value = values.get(spec.name());
            if (spec.isNumeric()) {
                numbers[f] = number(spec, value, strict);
            } else {
                texts[f] = category(spec, value, strict);
            }
        }
    }

    /**
     * A request as a row of numbers in schema order (the Open Inference Protocol's [N, F] tensor) straight into a
     * model's feature vector; see {@link #vector(Map, boolean, Layout)}. Only for schemas whose features are all
     * numeric.
     */
    public double[] vector(double[] row, boolean strict, Layout layout) {
        return place(readRow(row, strict), null, layout);
    }

    /** Checks a row of numbers; returns it as it is, since every accepted value is kept unchanged. */
    private double[] readRow(double[] row, boolean strict) {
        if (row.length != width) {
            throw new InvalidInputException("a row has " + row.length + " values, but the model takes " + width
                    + " features in this order: " + String.join(", ", schema.featureNames()));
        }
        for (int f = 0; f < width; f++) {
            FeatureSpec spec = features.get(f);
            if (!spec.isNumeric()) {
                throw new InvalidInputException("feature '" + spec.name() + "' is categorical, so rows cannot be sent "
                        + "as numbers only; send named inputs instead");
            }
            number(spec, row[f], strict);
        }
        return row;
    }

    private double number(FeatureSpec spec, Object value, boolean strict) {
        if (value == null) {
            if (schema.missing() == MissingPolicy.MEAN) {
                return Double.NaN;
            }
            throw new InvalidInputException("feature '" + spec.name() + "' is missing; the model needs a number for it");
        }
        if (!(value instanceof Number number)) {
            throw new InvalidInputException("feature '" + spec.name() + "' must be a number, got "
                    + describe(value));
        }
        return number(spec, number.doubleValue(), strict);
    }

    private double number(FeatureSpec spec, double v, boolean strict) {
        if (!Double.isFinite(v)) {
            throw new InvalidInputException("feature '" + spec.name() + "' is " + v + "; only finite numbers are accepted");
        }
        if (strict && (v < spec.min() || v > spec.max())) {
            throw new InvalidInputException(String.format(
                    "feature '%s' = %s is outside the training range [%s, %s] (strict mode)",
                    spec.name(), format(v), format(spec.min()), format(spec.max())));
        }
        return v;
    }

    private String category(FeatureSpec spec, Object value, boolean strict) {
        String text;
        if (value == null) {
            throw new InvalidInputException("feature '" + spec.name() + "' is missing; the model needs one of: "
                    + String.join(", ", spec.categories()));
        } else if (value instanceof String s) {
            text = s.strip();
        } else if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 1e15) {
            text = Long.toString(n.longValue());
        } else {
            throw new InvalidInputException("feature '" + spec.name() + "' must be a string (a category), got "
                    + describe(value));
        }
        if (strict && !spec.categories().contains(text)) {
            throw new InvalidInputException("feature '" + spec.name() + "' has category '" + text
                    + "', never seen in training (strict mode); known: " + String.join(", ", spec.categories()));
        }
        return text;
    }

    private <T extends Output<T>> Example<T> build(T output, double[] numbers, String[] texts, boolean noneKnownIsZero) {
        String[] names = new String[width];
        double[] values = new double[width];
        int n = 0;
        int known = 0;
        for (int f = 0; f < width; f++) {
            FeatureSpec spec = features.get(f);
            if (spec.isNumeric()) {
                names[n] = spec.name();
                values[n++] = modelValue(spec, numbers[f]);
                known++;
            } else if (texts[f] != null) {
                known += categories.get(f).contains(texts[f]) ? 1 : 0;
                names[n] = spec.name() + "=" + texts[f];
                values[n++] = 1.0;
            }
        }
        if (known == 0 && noneKnownIsZero) {
            // Tribuo refuses an example with no feature it knows; an explicit 0 on a known one-hot feature is the
            // same "none of the known categories" that absent features mean to linear models and Tribuo's trees.
            // XGBoost reads the 0 as a value, not as missing: it scores such a row down the "not this category"
            // side of that one feature's splits, a row no training example took exactly. Only evaluation sees it:
            // the server refuses a request none of whose values the model knows.
            FeatureSpec first = features.get(0);
            names = new String[] {first.name() + "=" + first.categories().get(0)};
            values = new double[] {0.0};
            return new ArrayExample<>(output, names, values);
        }
        requireKnown(known, texts);
        if (n < width) {
            names = java.util.Arrays.copyOf(names, n);
            values = java.util.Arrays.copyOf(values, n);
        }
        return new ArrayExample<>(output, names, values);
    }

    /**
     * What {@link #build} would make, placed by feature id: the example's features, NaN for all others. {@code texts}
     * is null for a row of numbers only.
     */
    private double[] place(double[] numbers, String[] texts, Layout layout) {
        double[] vector = new double[layout.size];
        java.util.Arrays.fill(vector, Double.NaN);
        int known = 0;
        for (int f = 0; f < width; f++) {
            FeatureSpec spec = features.get(f);
            if (spec.isNumeric()) {
                int id = layout.numeric[f];
                if (id >= 0) {
                    vector[id] = modelValue(spec, numbers[f]);
                }
                known++;
            } else if (texts != null && texts[f] != null) {
                known += categories.get(f).contains(texts[f]) ? 1 : 0;
                Integer id = layout.categories.get(f).get(texts[f]);
                if (id != null) {
                    vector[id] = 1.0;
                }
            }
        }
        requireKnown(known, texts);
        return vector;
    }

    /** A numeric feature's value in the model: the mean where missing, then its bin (trees) or z-score (linear). */
    private double modelValue(FeatureSpec spec, double raw) {
        double v = Double.isNaN(raw) ? spec.mean() : raw;
        if (spec.bins() != null) {
            return Binning.bin(spec.bins(), v);
        }
        if (schema.standardize()) {
            return spec.std() > 0 ? (v - spec.mean()) / spec.std() : 0;
        }
        return v;
    }

    private static void requireKnown(int known, String[] texts) {
        if (known == 0) {
            throw new InvalidInputException("none of the row's values is known to the model (every category is new: "
                    + String.join(", ", java.util.Arrays.stream(texts).filter(java.util.Objects::nonNull).toList())
                    + "); the model cannot predict from it");
        }
    }

    /**
     * Where each of the schema's features lands in a model's feature vector, whose slot {@code i} is the model's
     * feature {@code i} (Tribuo's feature id): a numeric feature's id, and the id of each {@code name=category}
     * one-hot feature. Names the model never saw (dropped by Tribuo too) have no slot.
     */
    public Layout layout(java.util.function.ToIntFunction<String> idOf, int size) {
        int[] numeric = new int[width];
        List<Map<String, Integer>> byCategory = new java.util.ArrayList<>(width);
        for (int f = 0; f < width; f++) {
            FeatureSpec spec = features.get(f);
            numeric[f] = spec.isNumeric() ? idOf.applyAsInt(spec.name()) : -1;
            Map<String, Integer> ids = new HashMap<>();
            if (!spec.isNumeric()) {
                for (String category : spec.categories()) {
                    int id = idOf.applyAsInt(spec.name() + "=" + category);
                    if (id >= 0) {
                        ids.put(category, id);
                    }
                }
            }
            byCategory.add(Map.copyOf(ids));
        }
        return new Layout(numeric, List.copyOf(byCategory), size);
    }

    /** See {@link #layout}. */
    public static final class Layout {
        private final int[] numeric;
        private final List<Map<String, Integer>> categories;
        private final int size;

        private Layout(int[] numeric, List<Map<String, Integer>> categories, int size) {
            this.numeric = numeric;
            this.categories = categories;
            this.size = size;
        }

        /** The length of the vectors: the model's number of features. */
        public int size() {
            return size;
        }
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "the string '" + s + "'";
        }
        if (value instanceof Boolean b) {
            return "the boolean " + b;
        }
        return value instanceof Map<?, ?> ? "an object" : value instanceof List<?> ? "an array" : String.valueOf(value);
    }

    private static String format(double v) {
        return io.jenkins.plugins.modelops.Numbers.format(v);
    }
}
