package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.serving.ModelServer;
import io.jenkins.plugins.modelops.serving.ServeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code modelops serve}: the model server, with the same flags as {@code java -jar modelops-serving.jar}. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = ServeOptions.Environment.class, footer = ServeOptions.ENVIRONMENT_HELP,
        description = {"Serve a model bundle: Open Inference Protocol v2 and KServe v1 REST, feedback, /metrics.",
                "Logs JSON lines on stdout. Stops gracefully on SIGTERM.",
                "Exit codes: 0 clean shutdown, 2 bad bundle or flags, 3 other failure (e.g. the port is taken)."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServeOptions options;

    @Override
    public Integer call() {
        return ModelServer.serve(options, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
