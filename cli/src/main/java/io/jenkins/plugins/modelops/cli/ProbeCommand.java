package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Durations;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.CsvFormat;
import io.jenkins.plugins.modelops.monitor.probe.FeedbackToken;
import io.jenkins.plugins.modelops.monitor.probe.ProbeTraffic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code modelops probe}: labelled rows replayed against a model server, so it observes its accuracy. */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay labelled rows against a model server's evaluate form (POST /v1/models/NAME/feedback) "
                + "at a set rate for a set time; the server counts them as source=\"probe\" feedback.",
                "Progress on stderr, a one-line summary on stdout.",
                "Exit codes: 0 rows were scored, 2 bad input (flags, data, token, endpoint), 3 no row was scored."})
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", required = true, paramLabel = "URL",
            description = "the model server, e.g. http://127.0.0.1:8080")
    String endpoint;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "the model's name on the server")
    String name;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "CSV of labelled rows (held out from training); with --bundle, the file it was trained on")
    Path data;

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "replay only this bundle's test rows of --data (its split, seed and test fraction)")
    Path bundle;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "10", description = "rows a second (default 10)")
    double rate;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s",
            description = "how long: 90s, 5m, 1h or PT5M (default 60s); rate x duration rows are sent")
    String duration;

    @Option(names = "--max-rows", paramLabel = "N", defaultValue = "0",
            description = "stop after N rows (default: rate x duration)")
    long maxRows;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "file holding the server's feedback token (default: $" + FeedbackToken.ENVIRONMENT + ")")
    Path tokenFile;

    @Option(names = "--server-ca", paramLabel = "PEM",
            description = "CA certificate(s) the server's HTTPS is signed with (a private CA)")
    Path serverCa;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",",
            description = "field delimiter: ',' (default), ';' or tab")
    String delimiter;

    @Option(names = "--decimal", paramLabel = "CHAR", defaultValue = ".",
            description = "decimal mark of numbers: '.' (default) or ','")
    String decimal;

    @Override
    public Integer call() throws Exception {
        ProbeTraffic.Request request = ProbeTraffic.Request.of(uri(endpoint), name, data)
                .withBundle(bundle).withRate(rate).withDuration(Durations.parse(duration, Parameter.DURATION))
                .withMaxRows(maxRows)
                .withFormat(new CsvFormat(CsvFormat.parseDelimiter(delimiter), CsvFormat.parseDecimal(decimal)))
                .withToken(token()).withCaCertificate(serverCa);
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        ProbeTraffic.Outcome outcome = ProbeTraffic.run(request, progress);
        spec.commandLine().getOut().println(outcome.summary());
        return outcome.scored() ? ModelOps.OK : ModelOps.FAILED;
    }

    private FeedbackToken token() {
        if (tokenFile != null) {
            return FeedbackToken.fromFile(tokenFile);
        }
        String environment = System.getenv(FeedbackToken.ENVIRONMENT);
        return environment == null || environment.isBlank() ? null
                : FeedbackToken.of(FeedbackToken.ENVIRONMENT, environment);
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidInputException(Parameter.ENDPOINT, Parameter.ENDPOINT.ref() + " '" + text + "' is not a "
                    + "URL (" + e.getReason() + "); e.g. http://127.0.0.1:8080");
        }
    }
}
