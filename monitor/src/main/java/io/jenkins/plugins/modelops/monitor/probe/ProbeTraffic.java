package io.jenkins.plugins.modelops.monitor.probe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.CsvFormat;
import io.jenkins.plugins.modelops.data.Task;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Probe traffic: labelled rows replayed against a model server's evaluate form ({@code POST /v1/models/NAME/feedback}
 * with {@code instances} and their true labels) at a set rate, so the server counts {@code source="probe"} feedback
 * and accuracy (or error) is observed without organic labels. Bounded twice: it stops by itself after the duration
 * (at most one request timeout later) and after {@code rate × duration} rows (or fewer, {@code maxRows}), cycling
 * through the rows when there are fewer. Batches are sent on a fixed schedule from the start, so a slow answer is
 * caught up on and the rate holds on average; one request at a time, so the probe never adds more than one
 * request's load at once.
 */
public final class ProbeTraffic {

    public static final double DEFAULT_RATE = 10;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
    /** At most this many requests a second: higher rates send more rows per request. */
    static final int MAX_REQUESTS_PER_SECOND = 10;
    static final int MAX_BATCH = 1000;
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    /**
     * @param endpoint the model server's base URL ({@code http://127.0.0.1:8080}; a path prefix is kept)
     * @param data a CSV of labelled rows; with {@code bundle}, the file the bundle was trained on
     * @param bundle replay the bundle's own test rows of {@code data} instead of every row
     * @param rate rows a second
     * @param maxRows stop after this many rows (0: rate × duration)
     * @param token the server's feedback token; empty for a server without one (loopback only)
     * @param timeout for connecting and for each answer
     * @param caCertificate the private CA (PEM) the server's HTTPS is signed with; empty: the JDK's roots
     */
    public record Request(URI endpoint, String name, Path data, Optional<Path> bundle, CsvFormat format, double rate,
                          Duration duration, long maxRows, Optional<FeedbackToken> token, Duration timeout,
                          Optional<Path> caCertificate) {

        public Request {
            if (endpoint == null || endpoint.getHost() == null || !("http".equals(endpoint.getScheme())
                    || "https".equals(endpoint.getScheme()))) {
                throw new InvalidInputException(Parameter.ENDPOINT, Parameter.ENDPOINT.ref() + " '" + endpoint
                        + "' is not an http or https URL with a host (e.g. http://127.0.0.1:8080)");
            }
            if (name == null || name.isBlank()) {
                throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " is required: the model's "
                        + "name on the server");
            }
            if (data == null) {
                throw new InvalidInputException(Parameter.DATA, Parameter.DATA.ref() + " is required: a CSV file of "
                        + "labelled rows");
            }
            if (!(rate > 0 && rate <= 100_000)) {
                throw new InvalidInputException(Parameter.RATE, Parameter.RATE.ref() + " " + Numbers.format(rate)
                        + " is not a rate: give rows a second, more than 0 and at most 100000 (e.g. 10)");
            }
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new InvalidInputException(Parameter.DURATION, Parameter.DURATION.ref() + " must be positive "
                        + "(e.g. 60s, 5m): " + duration);
            }
            if (maxRows < 0) {
                throw new InvalidInputException("the row limit must not be negative (0: rate × duration): " + maxRows);
            }
            if (Math.floor(rate * duration.toMillis() / 1000.0) < 1) {
                throw new InvalidInputException(Parameter.RATE, Parameter.RATE.ref() + " " + Numbers.format(rate)
                        + " for " + Parameter.DURATION.ref() + " " + duration.toMillis() / 1000.0 + " s sends no row; "
                        + "raise either");
            }
            bundle = bundle == null ? Optional.empty() : bundle;
            token = token == null ? Optional.empty() : token;
            format = format == null ? CsvFormat.DEFAULT : format;
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
            caCertificate = caCertificate == null ? Optional.empty() : caCertificate;
        }

        /** Defaults: every row of {@code data}, 10 rows a second for 60 s, no token, 10 s timeout. */
        public static Request of(URI endpoint, String name, Path data) {
            return new Request(endpoint, name, data, Optional.empty(), CsvFormat.DEFAULT, DEFAULT_RATE,
                    DEFAULT_DURATION, 0, Optional.empty(), Duration.ofSeconds(10), Optional.empty());
        }

        public Request withBundle(Path value) {
            return new Request(endpoint, name, data, Optional.ofNullable(value), format, rate, duration, maxRows, token,
                    timeout, caCertificate);
        }

        public Request withFormat(CsvFormat value) {
            return new Request(endpoint, name, data, bundle, value, rate, duration, maxRows, token, timeout,
                    caCertificate);
        }

        public Request withRate(double value) {
            return new Request(endpoint, name, data, bundle, format, value, duration, maxRows, token, timeout,
                    caCertificate);
        }

        public Request withDuration(Duration value) {
            return new Request(endpoint, name, data, bundle, format, rate, value, maxRows, token, timeout,
                    caCertificate);
        }

        public Request withMaxRows(long value) {
            return new Request(endpoint, name, data, bundle, format, rate, duration, value, token, timeout,
                    caCertificate);
        }

        public Request withToken(FeedbackToken value) {
            return new Request(endpoint, name, data, bundle, format, rate, duration, maxRows, Optional.ofNullable(value),
                    timeout, caCertificate);
        }

        public Request withTimeout(Duration value) {
            return new Request(endpoint, name, data, bundle, format, rate, duration, maxRows, token, value,
                    caCertificate);
        }

        public Request withCaCertificate(Path pem) {
            return new Request(endpoint, name, data, bundle, format, rate, duration, maxRows, token, timeout,
                    Optional.ofNullable(pem));
        }

        /** Rows to send: rate × duration, or {@code maxRows} if fewer. */
        public long plannedRows() {
            long byTime = (long) Math.floor(rate * duration.toMillis() / 1000.0);
            return maxRows > 0 ? Math.min(maxRows, byTime) : byTime;
        }

        /** Rows per request: all of a tenth of a second's rows, so that at most 10 requests go out a second. */
        public int batchSize() {
            return (int) Math.min(MAX_BATCH, Math.max(1, Math.ceil(rate / MAX_REQUESTS_PER_SECOND)));
        }
    }

    /**
     * What was sent and what the server made of it.
     *
     * @param refused rows in requests the server answered with another status than 200, by status
     * @param unanswered rows in requests that got no answer (connection lost, timeout)
     * @param accuracy the share of accepted rows the server's predictions got right (classification)
     * @param mae the mean absolute error over accepted rows, as the server computed it (regression)
     * @param rmse the root mean squared error over accepted rows (regression)
     * @param stoppedEarly whether the duration ended before every planned row went out
     */
    public record Outcome(String model, String version, Task task, String source, long planned, long sent,
                          long accepted, SortedMap<Integer, Long> refused, long unanswered, OptionalDouble accuracy,
                          OptionalDouble mae, OptionalDouble rmse, Duration elapsed, boolean stoppedEarly) {

        public Outcome {
            refused = Collections.unmodifiableSortedMap(new TreeMap<>(refused));
        }

        /** Whether the server scored any row: the probe did its job. */
        public boolean scored() {
            return accepted > 0;
        }

        /** One line: {@code probe iris (version 1a2b): 600 rows sent, 600 accepted, accuracy 0.9667 in 60.0 s}. */
        public String summary() {
            StringBuilder line = new StringBuilder("probe " + model + " (version " + version + "): " + sent
                    + " rows sent, " + accepted + " accepted");
            refused.forEach((status, rows) -> line.append(", ").append(rows).append(" refused with ").append(status));
            if (unanswered > 0) {
                line.append(", ").append(unanswered).append(" unanswered");
            }
            accuracy.ifPresent(a -> line.append(String.format(Locale.ROOT, ", accuracy %.4f", a)));
            mae.ifPresent(m -> line.append(String.format(Locale.ROOT, ", mae %.4g", m)));
            rmse.ifPresent(r -> line.append(String.format(Locale.ROOT, ", rmse %.4g", r)));
            line.append(String.format(Locale.ROOT, " in %.1f s", elapsed.toMillis() / 1000.0));
            if (stoppedEarly) {
                line.append(" (stopped at the duration after ").append(sent).append(" of ").append(planned)
                        .append(" rows)");
            }
            return line.toString();
        }
    }

    private ProbeTraffic() {
    }

    public static Outcome run(Request request, Progress progress) throws InterruptedException {
        ProbeClient client = new ProbeClient(request.endpoint(), request.name(), request.token(), request.timeout(),
                request.caCertificate());
        ServedModel model = client.metadata();
        String where = request.endpoint().toString();
        ProbeRows rows = request.bundle().isPresent()
                ? ProbeRows.heldOut(request.bundle().get(), request.data(), request.format(), model, progress)
                : ProbeRows.fromCsv(request.data(), request.format(), model, where, progress);
        long planned = request.plannedRows();
        int batch = request.batchSize();
        progress.info(String.format(Locale.ROOT, "Probing model %s (version %s, %s) at %s: %d rows at %s a second "
                        + "for at most %s s, %d a request, from %d rows of %s", model.name(), model.version(),
                model.task().id(), where, planned, Numbers.format(request.rate()),
                Numbers.format(request.duration().toMillis() / 1000.0), batch, rows.size(), rows.source()));
        return new Run(request, client, model, rows, progress).send(planned, batch);
    }

    /** One run's counters; not shared. */
    private static final class Run {
        private final Request request;
        private final ProbeClient client;
        private final ServedModel model;
        private final ProbeRows rows;
        private final Progress progress;
        private final SortedMap<Integer, Long> refused = new TreeMap<>();
        private long sent;
        private long accepted;
        private long unanswered;
        private double correct;
        private double absSum;
        private double squaredSum;

        Run(Request request, ProbeClient client, ServedModel model, ProbeRows rows, Progress progress) {
            this.request = request;
            this.client = client;
            this.model = model;
            this.rows = rows;
            this.progress = progress;
        }

        Outcome send(long planned, int batch) throws InterruptedException {
            long start = System.nanoTime();
            long end = start + request.duration().toNanos();
            long nextReport = start + REPORT_EVERY.toNanos();
            boolean early = false;
            while (sent < planned) {
                // Batch k is due when the rows before it would have gone out at the rate: no drift, no bursts past it.
                long due = start + (long) (sent / request.rate() * 1e9);
                long now = System.nanoTime();
                if (due > now) {
                    sleepNanos(Math.min(due, end) - now);
                    now = System.nanoTime();
                }
                if (now >= end) {
                    early = true;
                    break;
                }
                int n = (int) Math.min(batch, planned - sent);
                sendBatch(n);
                if (System.nanoTime() >= nextReport) {
                    progress.info("Sent " + sent + " of " + planned + " rows: " + tally());
                    nextReport += REPORT_EVERY.toNanos();
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            boolean classifier = model.task() == Task.CLASSIFICATION;
            OptionalDouble none = OptionalDouble.empty();
            return new Outcome(model.name(), model.version(), model.task(), rows.source(), planned, sent, accepted,
                    refused, unanswered, classifier ? ratio(correct) : none, classifier ? none : ratio(absSum),
                    classifier || accepted == 0 ? none : OptionalDouble.of(Math.sqrt(squaredSum / accepted)),
                    elapsed, early);
        }

        private void sendBatch(int n) throws InterruptedException {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode instances = body.putArray("instances");
            ArrayNode labels = body.putArray(model.task() == Task.CLASSIFICATION ? "labels" : "values");
            for (int i = 0; i < n; i++) {
                ProbeRows.Row row = rows.rows().get((int) ((sent + i) % rows.size()));
                instances.add(row.instance());
                labels.add(row.label());
            }
            ProbeClient.Answer answer;
            try {
                answer = client.evaluate(body);
            } catch (IOException e) {
                if (unanswered == 0) {
                    progress.warn("POST " + client.feedbackUri() + " got no answer (" + ProbeClient.reason(e)
                            + "); counting its rows as unanswered and going on");
                }
                unanswered += n;
                sent += n;
                return;
            }
            sent += n;
            if (answer.status() == 401 || answer.status() == 403) {
                throw refusedAccess(answer);
            }
            if (answer.status() != 200 || answer.body() == null) {
                if (!refused.containsKey(answer.status())) {
                    progress.warn("POST " + client.feedbackUri() + " answered " + answer.status() + " to " + n
                            + " rows: " + answer.error());
                }
                refused.merge(answer.status(), (long) n, Long::sum);
                return;
            }
            long count = answer.body().path("count").asLong(n);
            accepted += count;
            if (model.task() == Task.CLASSIFICATION) {
                correct += answer.body().path("correct").asDouble();
            } else {
                double mae = answer.body().path("mae").asDouble();
                double rmse = answer.body().path("rmse").asDouble();
                absSum += mae * count;
                squaredSum += rmse * rmse * count;
            }
        }

        private InvalidInputException refusedAccess(ProbeClient.Answer answer) {
            String hint = answer.status() == 401
                    ? (request.token().isPresent() ? "the token given is not the server's feedback token; pass the "
                    + "token the server was started with" : "the server has a feedback token; pass it")
                    + " with " + Parameter.TOKEN_FILE.ref() + " FILE (or in " + FeedbackToken.ENVIRONMENT + ")"
                    : "the server has no feedback token and takes feedback only from its own machine; start it with "
                    + "--feedback-token-file (or " + FeedbackToken.ENVIRONMENT + ") and pass the same token with "
                    + Parameter.TOKEN_FILE.ref() + " FILE";
            return new InvalidInputException(Parameter.TOKEN_FILE, "POST " + client.feedbackUri() + " was refused with "
                    + answer.status() + ": " + hint + " (the server said: " + answer.error() + ")");
        }

        private OptionalDouble ratio(double sum) {
            return accepted == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / accepted);
        }

        private String tally() {
            String tally = accepted + " accepted";
            if (!refused.isEmpty()) {
                tally += ", refused " + refused;
            }
            if (unanswered > 0) {
                tally += ", " + unanswered + " unanswered";
            }
            if (accepted > 0 && model.task() == Task.CLASSIFICATION) {
                tally += String.format(Locale.ROOT, ", accuracy %.4f so far", correct / accepted);
            } else if (accepted > 0) {
                tally += String.format(Locale.ROOT, ", mae %.4g so far", absSum / accepted);
            }
            return tally;
        }

        private static void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    }
}
