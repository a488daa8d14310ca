package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.data.Task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded train/test splits and k folds, stratified by class for classification so every class keeps its share in
 * each part. The same data and seed always give the same rows.
 */
public record Split(int[] train, int[] test) {

    /** Holds out {@code testFraction} of the rows (at least one per class that has two or more rows). */
    public static Split holdout(LabeledData data, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new InvalidInputException(Parameter.TEST_FRACTION, "test fraction " + testFraction + " is not valid; expected a number "
                    + "between 0 and 1 (exclusive), e.g. 0.2");
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int[] stratum : strata(data, allRows(data.rows()))) {
            shuffle(stratum, random);
            int n = stratum.length;
            int held = (int) Math.round(n * testFraction);
            if (data.task() == Task.CLASSIFICATION) {
                // A class the model never saw in training cannot be scored: a one-row class trains only.
                held = n < 2 ? 0 : Math.max(1, Math.min(n - 1, held));
            }
            for (int i = 0; i < n; i++) {
                (i < held ? test : train).add(stratum[i]);
            }
        }
        if (test.isEmpty() || train.isEmpty()) {
            throw new InvalidInputException(Parameter.TEST_FRACTION, String.format(
                    "%s: %d rows cannot be split into training and test rows with test fraction %s; "
                            + "add rows or raise the test fraction", data.source(), data.rows(), testFraction));
        }
        return new Split(sorted(train), sorted(test));
    }

    /**
     * Splits {@code rows} into k folds; returns, for each fold, its validation rows. Stratified like
     * {@link #holdout}.
     */
    public static List<Split> folds(LabeledData data, int[] rows, int k, long seed) {
        if (k < 2) {
            throw new InvalidInputException(Parameter.FOLDS, "folds = " + k + " is not valid; cross-validation needs at least 2 folds "
                    + "(0 for none)");
        }
        if (rows.length < k) {
            throw new InvalidInputException(Parameter.FOLDS, String.format(
                    "%s: %d training rows are fewer than the %d folds asked for; ask for at most %d folds (%s), or "
                            + "add rows", data.source(), rows.length, k, rows.length, Parameter.FOLDS.ref()));
        }
        List<List<Integer>> folds = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            folds.add(new ArrayList<>());
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int next = 0;
        List<Integer> alwaysTrain = new ArrayList<>();
        for (int[] stratum : strata(data, rows)) {
            shuffle(stratum, random);
            if (data.task() == Task.CLASSIFICATION && stratum.length < 2) {
                alwaysTrain.add(stratum[0]); // validating it would score a class its fold never trained on
                continue;
            }
            for (int row : stratum) {
                folds.get(next++ % k).add(row); // round robin across strata keeps fold sizes within one
            }
        }
        List<Split> splits = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            List<Integer> train = new ArrayList<>(alwaysTrain);
            for (int j = 0; j < k; j++) {
                if (j != i) {
                    train.addAll(folds.get(j));
                }
            }
            splits.add(new Split(sorted(train), sorted(folds.get(i))));
        }
        return splits;
    }

    private static List<int[]> strata(LabeledData data, int[] rows) {
        if (data.task() != Task.CLASSIFICATION) {
            return List.of(rows.clone());
        }
        Map<String, List<Integer>> byClass = new TreeMap<>();
        for (int row : rows) {
            byClass.computeIfAbsent(data.labelClass(row), c -> new ArrayList<>()).add(row);
        }
        return byClass.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toList();
    }

    private static int[] allRows(int n) {
        int[] rows = new int[n];
        Arrays.setAll(rows, i -> i);
        return rows;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] sorted(List<Integer> rows) {
        int[] a = rows.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        return a;
    }
}
