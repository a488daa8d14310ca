package io.jenkins.plugins.modelops.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.kube.DeploySpec;
import io.jenkins.plugins.modelops.deploy.kube.KubeOutcome;
import io.jenkins.plugins.modelops.deploy.kube.KubeVerbs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code modelops promote|abort|rollback|undeploy --name NAME}: the verbs on a deployment that {@code deploy} made.
 * They share {@link Verb}'s options; {@code --local} will sit next to the Kubernetes group there.
 */
final class VerbCommands {

    private VerbCommands() {
    }

    /** The options and the run of every verb; a subclass says which engine call it is. */
    abstract static class Verb implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "the deployment's name")
        String name;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
                description = "how long promote and rollback wait for the stable track to be healthy (default 5m)")
        String timeout;

        /** Absent when none of its options is given; {@code --local} is the alternative. */
        @ArgGroup(exclusive = false, multiplicity = "0..1", heading = "%nKubernetes:%n")
        KubeOptions kube;

        @picocli.CommandLine.Mixin
        LocalTarget.Options local = new LocalTarget.Options();

        abstract KubeOutcome run(KubeVerbs.Request request, KubernetesClient client, Progress progress);

        /** The same verb on a local deployment. */
        abstract int runLocal(java.time.Duration timeout, Progress progress);

        @Override
        public Integer call() {
            if (local.local) {
                if (kube != null) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--local acts on this "
                            + "machine: leave out --namespace and --kubeconfig");
                }
                return runLocal(DeploySpec.parseTimeout(timeout), message -> spec.commandLine().getErr()
                        .println(Flags.render(message)));
            }
            if (local.stateDir != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--state-dir goes with --local");
            }
            KubeOptions k = KubeOptions.orDefaults(kube);
            Config config = k.config();
            KubeVerbs.Request request = new KubeVerbs.Request(name, k.namespace(config),
                    DeploySpec.parseTimeout(timeout));
            Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
            try (KubernetesClient client = KubeOptions.connect(config)) {
                return report(run(request, client, progress), spec);
            }
        }
    }

    /** One line on stdout: what happened, where, what runs now, why it failed. */
    static int report(KubeOutcome outcome, CommandSpec spec) {
        StringBuilder line = new StringBuilder(outcome.status().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .append(' ').append(outcome.namespace()).append('/').append(outcome.name());
        outcome.image().ifPresent(i -> line.append(' ').append(i));
        outcome.url().ifPresent(u -> line.append(' ').append(u));
        outcome.reason().ifPresent(r -> line.append(" (").append(r).append(')'));
        spec.commandLine().getOut().println(line);
        return DeployCommand.exitCode(outcome);
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Give the stable track the canary's pod template, wait until it is",
                    "healthy, remove the canary.",
                    "Exit codes: 0 promoted, 1 the stable track did not become healthy and",
                    "was restored, 2 bad input (no canary), 3 any other failure."})
    static final class Promote extends Verb {
        @Override
        int runLocal(java.time.Duration timeout, Progress progress) {
            return LocalTarget.promote(local, name, timeout, spec.commandLine().getOut(), progress);
        }

        @Override
        KubeOutcome run(KubeVerbs.Request request, KubernetesClient client, Progress progress) {
            return KubeVerbs.promote(request, client, progress);
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Remove the canary; the stable track is not touched.",
                    "Exit codes: 0 done (also when there was no canary), 2 bad input,",
                    "3 any other failure."})
    static final class Abort extends Verb {
        @Override
        int runLocal(java.time.Duration timeout, Progress progress) {
            return LocalTarget.abort(local, name, progress);
        }

        @Override
        KubeOutcome run(KubeVerbs.Request request, KubernetesClient client, Progress progress) {
            return KubeVerbs.abort(request, client, progress);
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Put the stable track back to its previous revision and wait until it",
                    "is healthy (a second rollback undoes the first).",
                    "Exit codes: 0 rolled back, 2 bad input (no previous revision),",
                    "3 any other failure."})
    static final class Rollback extends Verb {
        @Override
        int runLocal(java.time.Duration timeout, Progress progress) {
            return LocalTarget.rollback(local, name, timeout, spec.commandLine().getOut(), progress);
        }

        @Override
        KubeOutcome run(KubeVerbs.Request request, KubernetesClient client, Progress progress) {
            return KubeVerbs.rollback(request, client, progress);
        }
    }

    @Command(name = "undeploy", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Remove every object the deployment made: Deployments (stable and",
                    "canary), Service, HPA, ServiceMonitor and its Secret.",
                    "Exit codes: 0 done (also when nothing was left), 2 bad input,",
                    "3 any other failure."})
    static final class Undeploy extends Verb {
        @Override
        int runLocal(java.time.Duration timeout, Progress progress) {
            return LocalTarget.undeploy(local, name, progress);
        }

        @Override
        KubeOutcome run(KubeVerbs.Request request, KubernetesClient client, Progress progress) {
            return KubeVerbs.undeploy(request, client, progress);
        }
    }
}
