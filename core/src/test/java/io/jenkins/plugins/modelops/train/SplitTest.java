package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.LabeledData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SplitTest {

    private final LabeledData iris = LabeledData.read(Examples.iris(), DataSpec.of("species"), Progress.silent());

    @Test
    void holdoutIsStratifiedSeededAndDisjoint() {
        Split split = Split.holdout(iris, 0.2, 42);

        assertThat(split.test()).hasSize(30);
        assertThat(split.train()).hasSize(120);
        Set<Integer> all = new HashSet<>();
        IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.test())).forEach(all::add);
        assertThat(all).hasSize(150);
        for (String c : List.of("setosa", "versicolor", "virginica")) {
            assertThat(Arrays.stream(split.test()).filter(r -> iris.labelClass(r).equals(c)).count()).isEqualTo(10);
        }
        assertThat(Split.holdout(iris, 0.2, 42).test()).isEqualTo(split.test());
        assertThat(Split.holdout(iris, 0.2, 7).test()).isNotEqualTo(split.test());
    }

    @Test
    void foldsCoverEveryTrainingRowOnceAndKeepClassShares() {
        int[] rows = Split.holdout(iris, 0.2, 42).train();

        List<Split> folds = Split.folds(iris, rows, 5, 42);

        assertThat(folds).hasSize(5);
        int[] validated = folds.stream().flatMapToInt(f -> Arrays.stream(f.test())).sorted().toArray();
        assertThat(validated).isEqualTo(rows);
        for (Split fold : folds) {
            assertThat(fold.test().length + fold.train().length).isEqualTo(rows.length);
            assertThat(Arrays.stream(fold.train()).noneMatch(r -> Arrays.stream(fold.test()).anyMatch(t -> t == r)))
                    .isTrue();
            // 40 rows of each class in training: 8 of each in every fold
            assertThat(Arrays.stream(fold.test()).filter(r -> iris.labelClass(r).equals("setosa")).count()).isEqualTo(8);
        }
        assertThat(Split.folds(iris, rows, 5, 42).get(3).test()).isEqualTo(folds.get(3).test());
    }
}
