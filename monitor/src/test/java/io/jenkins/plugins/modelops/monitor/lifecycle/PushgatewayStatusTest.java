package io.jenkins.plugins.modelops.monitor.lifecycle;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.status.ModelStatus;
import io.jenkins.plugins.modelops.status.StatusEvent;
import io.jenkins.plugins.modelops.status.StatusReporter;
import io.jenkins.plugins.modelops.monitor.testsupport.PushgatewayServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lifecycle status pushed with client_java's exporter to a real Pushgateway on 127.0.0.1. */
class PushgatewayStatusTest {

    private final List<String> messages = new ArrayList<>();
    private final Progress progress = messages::add;

    @Test
    void aPushHoldsEveryStateTheTrainingFactsAndTheTimeAndALaterPushKeepsTheFacts() throws Exception {
        try (PushgatewayServer gateway = PushgatewayServer.start()) {
            PushgatewayStatus status = PushgatewayStatus.of(gateway.url().toString());
            status.report(new StatusEvent("iris", "0123456789ab", ModelStatus.TRAINED, Instant.ofEpochSecond(1_700_000_000),
                    null, new StatusEvent.Training(Duration.ofMillis(2500), 150, "accuracy", 0.9667)), progress);

            String group = "job=\"modelops\",model=\"iris\"";
            assertThat(gateway.series("modelops_model_status", group, "version=\"0123456789ab\"")).hasSize(7)
                    .filteredOn(l -> l.endsWith(" 1")).singleElement().asString().contains("status=\"trained\"");
            assertThat(gateway.series("modelops_training_duration_seconds", group)).singleElement().asString()
                    .endsWith(" 2.5");
            assertThat(gateway.series("modelops_training_rows", group)).singleElement().asString().endsWith(" 150");
            assertThat(gateway.series("modelops_training_test_metric", "job=\"modelops\"", "metric=\"accuracy\"",
                    "model=\"iris\"")).singleElement()
                    .asString().endsWith(" 0.9667");
            assertThat(gateway.series("modelops_model_status_timestamp_seconds", group)).singleElement().asString()
                    .endsWith(" 1.7e+09");

            status.report("iris", "0123456789ab", ModelStatus.ROLLED_BACK, "not ready within 2m", progress);
            assertThat(gateway.series("modelops_model_status", group, "status=\"rolled_back\"")).singleElement()
                    .asString().endsWith(" 1");
            assertThat(gateway.series("modelops_model_status", group, "status=\"trained\"")).singleElement()
                    .asString().endsWith(" 0");
            assertThat(gateway.series("modelops_model_status_cause", group)).singleElement().asString()
                    .contains("cause=\"not ready within 2m\"", "status=\"rolled_back\"").endsWith(" 1");
            assertThat(gateway.series("modelops_training_rows", group)).as("a push adds to the group").hasSize(1);

            status.remove("iris", "0123456789ab", progress);
            assertThat(gateway.series("modelops_model_status", group)).isEmpty();
            assertThat(messages).isEmpty();
        }
    }

    @Test
    void anUnreachablePushgatewayIsAWarningThatNamesNoCredentials() throws Exception {
        String url = "http://pusher:s3cret-password@127.0.0.1:" + PushgatewayServer.unusedPort();
        PushgatewayStatus.of(url).report("iris", ModelStatus.NO_VERSION, ModelStatus.TRAINING, null, progress);
        assertThat(messages).singleElement().asString().startsWith("WARNING: could not push the status training of "
                + "model iris none to the Pushgateway at http://127.0.0.1:").contains("Connection refused",
                "going on without it").doesNotContain("s3cret", "pusher");
    }

    @Test
    void theFlagWinsOverTheVariableAndNeitherMeansNothingIsPushed() {
        assertThat(PushgatewayStatus.configured(null, Map.of())).isSameAs(StatusReporter.NONE);
        assertThat(((PushgatewayStatus) PushgatewayStatus.configured(null,
                Map.of("MODELOPS_PUSHGATEWAY", "http://gateway:9091"))).url()).isEqualTo("http://gateway:9091");
        assertThat(((PushgatewayStatus) PushgatewayStatus.configured("https://other/prefix",
                Map.of("MODELOPS_PUSHGATEWAY", "http://gateway:9091"))).url()).isEqualTo("https://other/prefix");
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedNamingTheParameter() {
        for (String bad : List.of("ftp://gateway:9091", "gateway:9091", "http://", "http://gateway:9091/?x=1")) {
            assertThatThrownBy(() -> PushgatewayStatus.of(bad)).as(bad).isInstanceOf(InvalidInputException.class)
                    .hasMessage("pushgateway: '" + bad + "' is not an http(s) URL: give the Pushgateway's address, "
                            + "e.g. http://127.0.0.1:9091");
        }
        assertThatThrownBy(() -> PushgatewayStatus.of("ftp://user:secret@gateway")).hasMessageNotContaining("secret");
    }
}
