package io.jenkins.plugins.modelops.usecase;

import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What the trainModel step returns and modelops train --json prints: plain values, paths against a base. */
class TrainSummaryTest {

    @TempDir
    Path workspace;

    @Test
    void relativePathsResolveAgainstTheGivenBaseNotTheWorkingDirectory() throws Exception {
        Files.createDirectories(workspace.resolve("data"));
        Files.copy(Examples.iris(), workspace.resolve("data/iris.csv"));
        TrainModel.Request request = new TrainModel.Request(
                TrainingConfig.of(Path.of("data/iris.csv"), DataSpec.of("species")), Path.of("model"),
                Optional.empty(), List.of("accuracy>=0.8")).against(workspace);

        TrainModel.Outcome outcome = TrainModel.run(request, Progress.silent());

        assertThat(outcome.bundle().dir()).isEqualTo(workspace.resolve("model"));
        assertThat(request.config().data()).isEqualTo(workspace.resolve("data/iris.csv"));
    }

    @Test
    void summaryHoldsOnlyPlainSerializableValues() throws Exception {
        TrainModel.Outcome outcome = TrainModel.run(new TrainModel.Request(
                TrainingConfig.of(Examples.iris(), DataSpec.of("species")), workspace.resolve("m"), Optional.empty(),
                List.of("accuracy>=0.8")), Progress.silent());

        Map<String, Object> summary = outcome.summary();

        assertThat(summary).containsKeys("modelId", "shortId", "dir", "task", "algorithm", "metrics", "blessing",
                "blessed", "checks");
        assertThat(summary.get("blessed")).isEqualTo(true);
        assertThat(summary.get("blessing")).isEqualTo("blessed");
        assertThat(summary.get("dir")).isEqualTo(workspace.resolve("m").toString());
        assertThat(((Map<?, ?>) summary.get("metrics")).containsKey("accuracy")).isTrue();
        assertThat(((List<?>) summary.get("checks")).get(0)).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) ((List<?>) summary.get("checks")).get(0)).get("result")).isEqualTo("pass");
        // A Pipeline variable and an agent's return value are serialized: the summary must be.
        new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(summary);
    }
}
