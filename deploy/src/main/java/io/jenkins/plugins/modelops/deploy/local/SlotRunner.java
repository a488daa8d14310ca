package io.jenkins.plugins.modelops.deploy.local;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.deploy.local.LocalDeploy.Slot;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a local deployment's servers run: {@link ProcessRunner} (a supervised process, the default) or
 * {@link DockerRunner} (a container on a local Docker engine, which supervises it). Chosen at the first deploy and
 * remembered in {@link LocalState#runtime()}, so the later verbs need no option for it.
 */
interface SlotRunner {

    String PROCESS = "process";
    String DOCKER = "docker";

    /** What a revision needs before it can start (the docker runner builds its image); called once per revision. */
    void prepare(int revision, Path model, Progress progress);

    /** Starts revision {@code revision}'s server for {@code track} on 127.0.0.1:{@code port}; does not wait. */
    Slot start(int revision, String modelId, int port, String track, Path log, Progress progress);

    /** Waits until the slot's server is ready, it fails (a crash during start-up is a failure) or time runs out. */
    ServerProcess.Readiness awaitReady(Slot slot, Path log, Duration timeout);

    boolean alive(Slot slot);

    /** Stops the slot's server, with its graceful drain; a slot that is gone already is fine. */
    void stop(Slot slot, Path log, Duration grace);

    /** The revision will never run again: its image (if any) goes. */
    void forget(int revision);

    /** The deployment goes: whatever the runner keeps outside the state directory goes too. */
    void forgetAll();
}
