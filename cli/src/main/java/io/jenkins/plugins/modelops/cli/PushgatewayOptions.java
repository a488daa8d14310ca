package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.monitor.lifecycle.PushgatewayStatus;
import io.jenkins.plugins.modelops.status.StatusReporter;
import picocli.CommandLine.Option;

/** {@code --pushgateway} on train, deploy and gate: where short jobs push their lifecycle status. */
final class PushgatewayOptions {

    @Option(names = "--pushgateway", paramLabel = "URL",
            description = "push the lifecycle status to this Prometheus Pushgateway (or set MODELOPS_PUSHGATEWAY);"
                    + " unreachable: a warning, never a failed run")
    String pushgateway;

    /** The flag, else the variable, else nowhere. */
    StatusReporter reporter() {
        return PushgatewayStatus.configured(pushgateway, System.getenv());
    }
}
