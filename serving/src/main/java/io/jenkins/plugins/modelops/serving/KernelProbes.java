package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.data.FeatureSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.ModelSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rows a compiled kernel must agree with its reference on before it serves: drawn from the schema alone, so they
 * need no training data, and seeded, so a bundle always gets the same ones.
 */
final class KernelProbes {

    private KernelProbes() {
    }

    /**
     * Rows spread over the schema: each numeric feature at its minimum, mean, maximum or a uniform draw in between
     * (and missing, where the policy imputes); each categorical feature at one of its categories. Seeded, so a bundle
     * always gets the same probes.
     */
    static List<double[]> rows(ModelSchema schema, int count, Function<Map<String, Object>, double[]> encode) {
        java.util.Random random = new java.util.Random(42);
        List<double[]> probes = new ArrayList<>(count);
        for (int p = 0; p < count - 2; p++) {
            Map<String, Object> row = new java.util.HashMap<>();
            for (FeatureSpec feature : schema.features()) {
                if (feature.isNumeric()) {
                    int pick = random.nextInt(8);
                    double min = feature.min();
                    double max = feature.max();
                    boolean imputed = schema.missing() == MissingPolicy.MEAN;
                    Object value = switch (pick) {
                        case 0 -> min;
                        case 1 -> max;
                        case 2 -> feature.mean();
                        case 3 -> imputed ? null : min;
                        default -> min + random.nextDouble() * (max - min);
                    };
                    row.put(feature.name(), value);
                } else {
                    List<String> categories = feature.categories();
                    row.put(feature.name(), categories.get(random.nextInt(categories.size())));
                }
            }
            probes.add(encode.apply(row));
        }
        // Two rows the draws may miss: every category unseen (all one-hot slots absent), every number imputed.
        Map<String, Object> unseen = new java.util.HashMap<>();
        Map<String, Object> imputed = new java.util.HashMap<>();
        boolean imputes = schema.missing() == MissingPolicy.MEAN;
        for (FeatureSpec feature : schema.features()) {
            if (feature.isNumeric()) {
                unseen.put(feature.name(), feature.mean());
                imputed.put(feature.name(), imputes ? null : feature.min());
            } else {
                unseen.put(feature.name(), "\u0000a category no training row had");
                imputed.put(feature.name(), feature.categories().get(0));
            }
        }
        // With no numeric feature, a row of unseen categories is one the model knows nothing of: the server refuses
        // it (400), so there is nothing to compare; a second imputed-style row takes its place.
        boolean anyNumeric = schema.features().stream().anyMatch(FeatureSpec::isNumeric);
        probes.add(encode.apply(anyNumeric ? unseen : imputed));
        probes.add(encode.apply(imputed));
        return probes;
    }
}
