package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy;
import io.jenkins.plugins.modelops.status.StatusReporter;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code --local} on deploy, promote, abort, rollback and undeploy: the same verbs on this machine, no cluster.
 * The URL is printed on stdout, progress on stderr.
 */
final class LocalTarget {

    /** The options every local verb shares. */
    static class Options {
        @Option(names = "--local", description = "a supervised server process on this machine instead of Kubernetes")
        boolean local;

        @Option(names = "--state-dir", paramLabel = "DIR",
                description = "where local deployments live (default ~/.modelops/local, or MODELOPS_STATE_DIR)")
        Path stateDir;

        Path stateDir() {
            return stateDir != null ? stateDir : LocalDeploy.defaultStateDir();
        }
    }

    private LocalTarget() {
    }

    /** @param docker {@code --docker}: containers on a local engine; null for processes (or the deployment's runtime) */
    static int deploy(Options options, Path bundle, String name, int port, LocalDeploy.Docker docker, boolean canary,
                      Duration timeout, StatusReporter status, PrintWriter out, Progress progress) {
        if (bundle == null) {
            throw new InvalidInputException(Parameter.MODEL, "--local needs " + Parameter.MODEL.ref()
                    + " DIR: the model bundle to serve (modelops train --out)");
        }
        LocalDeploy.Outcome outcome = LocalDeploy.run(new LocalDeploy.Request(bundle, name, port, options.stateDir(),
                canary ? LocalDeploy.Strategy.CANARY : LocalDeploy.Strategy.ROLLING, timeout).withDocker(docker)
                .withStatus(status), progress);
        return report(outcome, out, progress);
    }

    static int promote(Options options, String name, Duration timeout, PrintWriter out, Progress progress) {
        return report(LocalDeploy.promote(options.stateDir(), name, timeout, progress), out, progress);
    }

    static int rollback(Options options, String name, Duration timeout, PrintWriter out, Progress progress) {
        LocalDeploy.Outcome outcome = LocalDeploy.rollback(options.stateDir(), name, timeout, progress);
        progress.info(String.format("%s is back at revision %d (model %s) at %s (%s)", name, outcome.revision(),
                outcome.modelId(), outcome.url(), outcome.reason()));
        out.println(outcome.url());
        return ModelOps.OK;
    }

    static int abort(Options options, String name, Progress progress) {
        LocalDeploy.abort(options.stateDir(), name, progress);
        progress.info("Aborted the canary of " + name + "; the stable server is untouched");
        return ModelOps.OK;
    }

    static int undeploy(Options options, String name, Progress progress) {
        LocalDeploy.undeploy(options.stateDir(), name, progress);
        return ModelOps.OK;
    }

    /** Exit 0 when the new revision serves; 1 when it did not get ready and was undone (the rollout said no). */
    private static int report(LocalDeploy.Outcome outcome, PrintWriter out, Progress progress) {
        switch (outcome.result()) {
            case ROLLED_OUT -> {
                progress.info(String.format("%s revision %d (%s, model %s) serves at %s; feedback token in %s; log %s",
                        outcome.name(), outcome.revision(), outcome.track(), outcome.modelId(), outcome.url(),
                        outcome.tokenFile(), outcome.log()));
                out.println(outcome.url());
                return ModelOps.OK;
            }
            case ROLLED_BACK -> {
                progress.warn("rolled back: " + outcome.reason() + "\n" + outcome.name() + " revision "
                        + outcome.revision() + " (" + outcome.track() + ") serves at " + outcome.url());
                out.println(outcome.url());
                return ModelOps.REJECTED;
            }
            default -> {
                progress.warn("the deployment failed and was removed: " + outcome.reason());
                return ModelOps.REJECTED;
            }
        }
    }
}
