package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Alertmanager (Debian's 0.25, binary {@code prometheus-alertmanager}; {@code scripts/install-deps.sh --test})
 * on 127.0.0.1 with the given configuration file (its templates beside it), clustering off. Stopped and its
 * folder removed by {@link #close}; the configuration is the caller's.
 */
public final class AlertmanagerServer extends LocalServer<AlertmanagerServer> {

    private AlertmanagerServer() throws IOException {
        super("alertmanager");
    }

    public static AlertmanagerServer start(Path config) throws IOException {
        AlertmanagerServer server = new AlertmanagerServer();
        server.launch(List.of(binary("alertmanager", "prometheus-alertmanager", "/usr/bin/prometheus-alertmanager",
                "/usr/local/bin/alertmanager"), "--config.file=" + config, "--storage.path=" + server.dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + server.port, "--cluster.listen-address=", "--log.level=debug"));
        return server;
    }

    @Override
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }
}
