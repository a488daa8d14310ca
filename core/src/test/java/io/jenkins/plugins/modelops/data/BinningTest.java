package io.jenkins.plugins.modelops.data;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BinningTest {

    @Test
    void cutsAtQuantilesAndBinsByCountOfCutsBelow() {
        double[] sorted = IntStream.range(0, 1000).mapToDouble(i -> i).toArray();

        double[] cuts = Binning.cutPoints(sorted, 4);

        assertThat(cuts).containsExactly(249, 499, 749);
        assertThat(Binning.bin(cuts, -5)).isZero();
        assertThat(Binning.bin(cuts, 249)).isZero();
        assertThat(Binning.bin(cuts, 249.5)).isEqualTo(1);
        assertThat(Binning.bin(cuts, 10_000)).isEqualTo(3);
    }

    @Test
    void featureWithFewDistinctValuesIsLeftAlone() {
        double[] sorted = {1, 1, 2, 2, 3, 3};

        assertThat(Binning.cutPoints(sorted, 4)).isNull();
    }

    @Test
    void heavyTiesNeverProduceDuplicateCuts() {
        double[] sorted = new double[100];
        for (int i = 90; i < 100; i++) {
            sorted[i] = i; // 90 zeros, then 10 distinct values
        }

        double[] cuts = Binning.cutPoints(sorted, 8);

        assertThat(cuts).isSorted().doesNotHaveDuplicates();
    }
}
