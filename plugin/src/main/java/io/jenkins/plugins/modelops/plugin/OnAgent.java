package io.jenkins.plugins.modelops.plugin;

import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.modelops.Progress;
import jenkins.MasterToSlaveFileCallable;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;

/**
 * A step's engine call on the agent that holds the workspace: plain arguments go there, the engine runs over the
 * workspace with its progress in the build log, and only the engine's plain summary comes back.
 */
public final class OnAgent extends MasterToSlaveFileCallable<Map<String, Object>> {

    /** What a step runs on the agent: its arguments, turned into the engine's request there. */
    public interface Work extends Serializable {
        Map<String, Object> run(Path workspace, Progress progress) throws IOException;
    }

    private static final long serialVersionUID = 1L;
    private final Work work;
    private final TaskListener listener;

    public OnAgent(Work work, TaskListener listener) {
        this.work = work;
        this.listener = listener;
    }

    @Override
    public Map<String, Object> invoke(File workspace, VirtualChannel channel) throws IOException {
        return work.run(workspace.toPath(), StepLog.progress(listener));
    }
}
