package io.jenkins.plugins.modelops.bundle;

import io.jenkins.plugins.modelops.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.baseline.DummyClassifierTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelClassAllowListTest {

    @Test
    void refusesATopLevelModelClassModelOpsDoesNotTrain() {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("test", factory), factory);
        data.add(new ArrayExample<>(new Label("a"), new String[] {"x"}, new double[] {1}));
        data.add(new ArrayExample<>(new Label("b"), new String[] {"x"}, new double[] {2}));
        // A real Tribuo model, and a harmless one: still not a class trainModel produces, so it is refused.
        var model = DummyClassifierTrainer.createMostFrequentTrainer().train(data);

        assertThatThrownBy(() -> ModelClassAllowList.check(model.serialize(), Path.of("model.tribuo")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("model.tribuo holds a ")
                .hasMessageContaining("org.tribuo.classification.baseline.DummyClassifierModel")
                .hasMessageContaining("which is not a model class ModelOps trains");
    }
}
