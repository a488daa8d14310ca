package io.jenkins.plugins.modelops.plugin;

import hudson.AbortException;
import hudson.model.BuildListener;
import hudson.model.TaskListener;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;

import java.io.PrintStream;

/** The engines' {@link Progress} on a build log, and their errors as a step's failure, in the step's words. */
public final class StepLog {

    private StepLog() {
    }

    /** Messages name parameters as the step does ({@code missing: drop}), not as the CLI ({@code --missing}). */
    public static Progress progress(TaskListener listener) {
        return message -> listener.getLogger().println(Parameter.plain(message));
    }

    /** Bad input fails the step with its message alone: the user fixes the Jenkinsfile, no stack trace helps. */
    public static AbortException failure(String step, InvalidInputException e) {
        return new AbortException(step + ": " + e.getMessage());
    }

    /** A {@link BuildListener} over a Pipeline step's listener, which {@code ArtifactManager.archive} asks for. */
    public static BuildListener buildListener(TaskListener listener) {
        return new Adapter(listener);
    }

    private record Adapter(TaskListener delegate) implements BuildListener {
        private static final long serialVersionUID = 1L;

        @Override
        public PrintStream getLogger() {
            return delegate.getLogger();
        }
    }
}
