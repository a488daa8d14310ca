package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Alertmanager (Debian's 0.25, binary {@code prometheus-alertmanager}; {@code scripts/install-deps.sh --test})
 * on 127.0.0.1 with the given configuration file (its templates beside it), clustering off. Stopped and its
 * folder removed by {@link #close}; the configuration is the caller's.
 */
public final class AlertmanagerServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    private AlertmanagerServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static AlertmanagerServer start(Path config) throws IOException {
        Path dir = Files.createTempDirectory("modelops-alertmanager");
        AlertmanagerServer server = new AlertmanagerServer(dir, LocalServers.freePort());
        server.process = new ProcessBuilder(List.of(LocalServers.binary("alertmanager", "prometheus-alertmanager",
                "/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager"), "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + server.port,
                "--cluster.listen-address=", "--log.level=debug")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        return server;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("alertmanager.log"));
    }

    public AlertmanagerServer awaitReady(Duration timeout) throws Exception {
        LocalServers.awaitReady("alertmanager", process, url().resolve("/-/ready"), this::log, timeout);
        return this;
    }

    @Override
    public void close() throws IOException {
        LocalServers.stop(process, dir);
    }
}
