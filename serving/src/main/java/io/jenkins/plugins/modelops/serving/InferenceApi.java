package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.serving.Route.Endpoint;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The HTTP API on Jetty's core Handler API: routes to health, metadata, {@code /metrics} and the protocols ({@link
 * V2Protocol}, {@link V1Protocol}, {@link FeedbackScoring}), counts and logs requests. Errors are JSON {@code
 * {"error": "..."}} with 400 (bad input, naming the feature and the problem), 404 (unknown path, model or prediction
 * id), 401 and 403 (feedback without its token, see {@link FeedbackAccess}), 405 (wrong method, with Allow), 408
 * (body not read within --read-timeout), 413 (body over the limit), 500 (a failure, {@code Error}s included: counted
 * and logged) or 503 (model not loaded yet, shutting down, or over --max-concurrent-requests, with Retry-After).
 * Nothing a client sends can stop the server.
 */
final class InferenceApi extends Handler.Abstract {

    private static final byte[] NOOP = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    private final ServerConfig config;
    private final ModelBundle bundle;
    private final String name;
    private final String version;
    private final ServingMetrics metrics;
    private final JsonLog log;
    private final V1Protocol v1;
    private final V2Protocol v2;
    private final FeedbackScoring feedback;
    private final FeedbackAccess feedbackAccess;
    private volatile byte[] modelMetadata;
    private volatile LoadedModel model;
    private volatile boolean stopping;
    private volatile Connector adminConnector;
    private final Semaphore permits;
    private final KernelCheck kernelCheck;

    InferenceApi(ServerConfig config, ModelBundle bundle, ServingMetrics metrics, JsonLog log) {
        this.config = config;
        this.bundle = bundle;
        this.name = config.modelName();
        this.version = config.version() != null ? config.version() : bundle.manifest().shortId();
        this.metrics = metrics;
        this.log = log;
        PredictionIds ids = new PredictionIds(metrics, config.idKey(), name, version, bundle.manifest().modelId(),
                config.feedbackTtl().toMillis(), config.feedbackCacheSize(), System::currentTimeMillis);
        this.v1 = new V1Protocol(ids, this::sample);
        this.v2 = new V2Protocol(name, version, ids, this::sample);
        this.feedback = new FeedbackScoring(metrics, ids);
        this.feedbackAccess = new FeedbackAccess(config);
        this.permits = new Semaphore(config.maxConcurrentRequests());
        this.kernelCheck = new KernelCheck(config.kernelCheckRate(), metrics, log, this::kernelChanged);
        this.modelMetadata = Reply.bytes(ModelMetadata.of(bundle, name, version, config.strict(), null));
    }

    void ready(Predictor loaded) {
        this.modelMetadata = Reply.bytes(ModelMetadata.of(bundle, name, version, config.strict(), loaded.kernel()));
        metrics.kernel(loaded.kernelId());
        this.model = LoadedModel.of(loaded, config.strict(), config.rowLimit());
    }

    /** After a live kernel check made the reference predict: the metadata and the info metric say so. */
    private void kernelChanged() {
        LoadedModel current = model;
        if (current != null) {
            modelMetadata = Reply.bytes(ModelMetadata.of(bundle, name, version, config.strict(),
                    current.predictor().kernel()));
            metrics.kernel(current.predictor().kernelId());
        }
    }

    KernelCheck kernelCheck() {
        return kernelCheck;
    }

    void stopping() {
        this.stopping = true;
    }

    boolean isReady() {
        return model != null && !stopping;
    }

    String name() {
        return name;
    }

    String version() {
        return version;
    }

    /** Offers a request's predictions to the live kernel check. */
    private void sample(Predictor predictor, java.util.List<double[]> rows, Predictions results) {
        kernelCheck.sample(predictor, rows, results);
    }

    /** The admin port's connector (health and metrics only), or null when there is none. */
    void adminConnector(Connector connector) {
        this.adminConnector = connector;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String method = request.getMethod();
        String path = Request.getPathInContext(request);
        Route route = Route.of(path);
        Endpoint endpoint;
        try {
            endpoint = check(route, method, request, response);
        } catch (HttpError e) {
            closeUnreadBody(request, response);
            finish(route, method, path, start, Reply.error(e.status, e.getMessage()), response, callback);
            return true;
        }
        if (!endpoint.takesBody) {
            finish(route, method, path, start, answer(method, path, () -> dispatch(route, request, null)), response, callback);
            return true;
        }
        // Inference and feedback: at most --max-concurrent-requests at once, from before the body is read (a slow
        // client holds a permit, never a thread), so excess load is refused quickly instead of queueing without end.
        if (!permits.tryAcquire()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            closeUnreadBody(request, response);
            finish(route, method, path, start, Reply.error(503, "the server is at its limit of "
                    + config.maxConcurrentRequests() + " requests at once (--max-concurrent-requests); retry after 1 s"),
                    response, callback);
            return true;
        }
        AsyncBody.read(request, config.maxBodyBytes(), config.readTimeout().toMillis()).whenComplete((body, failure) -> {
            try {
                Reply reply = failure != null ? answer(method, path, () -> {
                    throw failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                }) : answer(method, path, () -> dispatch(route, request, Bodies.decode(body,
                        request.getHeaders().get(HttpHeader.CONTENT_ENCODING), config.maxBodyBytes())));
                finish(route, method, path, start, reply, response, callback);
            } finally {
                permits.release();
            }
        });
        return true;
    }

    /** What a request is answered; never throws. */
    private interface Answer {
        Reply get() throws Throwable;
    }

    private Reply answer(String method, String path, Answer answer) {
        try {
            return answer.get();
        } catch (HttpError e) {
            return Reply.error(e.status, e.getMessage());
        } catch (InvalidInputException e) {
            return Reply.error(400, e.getMessage());
        } catch (Error e) {
            // OutOfMemoryError and kin: counted and logged like any failure (the container's JVM should also run
            // with -XX:+ExitOnOutOfMemoryError, so a heap that stays exhausted restarts the pod).
            log.error("request_failed", "JVM error answering " + method + " " + path, "error", e.toString());
            return Reply.error(500, "internal error: " + e);
        } catch (Throwable e) {
            log.error("request_failed", "internal error answering " + method + " " + path, "error", e.toString());
            return Reply.error(500, "internal error: " + e.getMessage());
        }
    }

    /** Counts, logs and sends {@code reply}. */
    private void finish(Route route, String method, String path, long start, Reply reply, Response response,
            Callback callback) {
        // Counted before the response leaves, so a client that has its answer also sees it counted.
        long nanos = System.nanoTime() - start;
        // A request for a model not served here is not counted under the served model's labels.
        if (route != null && route.endpoint().protocol != null && (route.model() == null || serves(route.model()))) {
            metrics.request(route.endpoint().protocol, reply.status());
            if (route.endpoint() != Endpoint.FEEDBACK) {
                metrics.duration(nanos);
            }
        }
        if (config.requestLogSample() > 0 && ThreadLocalRandom.current().nextDouble() < config.requestLogSample()) {
            log.info("request", method + " " + path + " " + reply.status(), "method", method, "path", path,
                    "status", reply.status(), "duration_ms", nanos / 1e6);
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().remaining());
        if (reply.jsonLength() >= 0) {
            response.getHeaders().put(V2Protocol.INFERENCE_HEADER_LENGTH, Integer.toString(reply.jsonLength()));
        }
        response.write(true, reply.body(), callback);
    }

    /** The endpoint of an existing route, allowed method, served model and, for feedback, its access; else throws. */
    private Endpoint check(Route route, String method, Request request, Response response) {
        if (route == null || (route.endpoint() == Endpoint.NOOP && !config.noopEndpoint())) {
            throw new HttpError(404, "no such endpoint: " + Request.getPathInContext(request) + "; this server "
                    + "answers /v2/health/live, /v2/health/ready, /v2, /v2/models/" + name + "[/ready|/infer], /v1/models/"
                    + name + "[:predict|/feedback] and /metrics");
        }
        Endpoint endpoint = route.endpoint();
        if (adminConnector != null && request.getConnectionMetaData().getConnector() == adminConnector
                && !endpoint.admin) {
            throw new HttpError(404, "the admin port answers health (/v2/health/live, /v2/health/ready, "
                    + "/v2/models/" + name + "/ready) and /metrics only; inference and feedback are on port "
                    + config.port());
        }
        if (route.model() != null) {
            checkModel(route.model());
        }
        boolean get = endpoint.method.equals("GET");
        if (!endpoint.method.equals(method) && !(get && method.equals("HEAD"))) {
            String allowed = get ? "GET, HEAD" : endpoint.method;
            response.getHeaders().put(HttpHeader.ALLOW, allowed);
            throw new HttpError(405, "method " + method + " is not allowed on " + Request.getPathInContext(request)
                    + "; use " + allowed);
        }
        if (endpoint == Endpoint.EXPLAIN) {
            throw new HttpError(501, "explanations (:explain) are not implemented by this server; use :predict");
        }
        String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
        if (endpoint.takesBody && encoding != null && !Bodies.knownEncoding(encoding)) {
            throw new HttpError(415, "Content-Encoding '" + encoding + "' is not supported; send the body as it is "
                    + "(identity) or gzip");
        }
        if (endpoint == Endpoint.FEEDBACK) {
            // Before the body is read: a client without the token costs no reading or parsing.
            try {
                feedbackAccess.check(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            } catch (HttpError e) {
                if (e.status == 401) {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, FeedbackAccess.CHALLENGE);
                }
                throw e;
            }
        }
        return endpoint;
    }

    /**
     * A request refused before its body was read leaves that body on the connection; Jetty then closes it, and a
     * client that reuses the connection meanwhile gets no answer at all. Saying {@code Connection: close} makes
     * every client open a new one instead.
     */
    private static void closeUnreadBody(Request request, Response response) {
        if (request.getLength() != 0) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /** The answer of a checked route; {@code body} is the request body of endpoints that take one. */
    private Reply dispatch(Route route, Request request, byte[] body) throws IOException {
        Endpoint endpoint = route.endpoint();
        switch (endpoint) {
            case LIVE: return Reply.json(200, Bodies.JSON.createObjectNode().put("live", true));
            case READY:
            case MODEL_READY:
            case V1_MODEL:
                return Reply.json(isReady() ? 200 : 503, route.model() == null
                        ? Bodies.JSON.createObjectNode().put("ready", isReady())
                        : Bodies.JSON.createObjectNode().put("name", name).put("ready", isReady()));
            case SERVER:
                ObjectNode server = Bodies.JSON.createObjectNode().put("name", "modelops-serving")
                        .put("version", Versions.modelops());
                server.putArray("extensions").add("binary_tensor_data");
                return Reply.json(200, server);
            case MODEL: return new Reply(200, Reply.JSON_TYPE, modelMetadata);
            case V1_MODELS:
                ObjectNode models = Bodies.JSON.createObjectNode();
                models.putArray("models").add(name);
                return Reply.json(200, models);
            case METRICS:
                ServingMetrics.Exposition exposition = metrics.scrape(request.getHeaders().get(HttpHeader.ACCEPT));
                return new Reply(200, exposition.contentType(), exposition.body());
            case NOOP:
                Bodies.json(Bodies.nonEmpty(body));
                return new Reply(200, Reply.JSON_TYPE, NOOP);
            case INFER:
                V2Protocol.Body parsed = V2Protocol.parse(Bodies.nonEmpty(body),
                        request.getHeaders().get(V2Protocol.INFERENCE_HEADER_LENGTH));
                return v2.infer(model(), parsed);
            case PREDICT: {
                var root = Bodies.json(Bodies.nonEmpty(body));
                return v1.predict(model(), root);
            }
            case FEEDBACK: {
                var root = Bodies.json(Bodies.nonEmpty(body));
                return feedback.feedback(model(), root);
            }
            default: throw new IllegalStateException(endpoint.name()); // EXPLAIN is answered by check()
        }
    }

    private boolean serves(String requested) {
        int versions = requested.indexOf("/versions/");
        return versions < 0 ? requested.equals(name) : requested.substring(0, versions).equals(name)
                && requested.substring(versions + "/versions/".length()).equals(version);
    }

    private void checkModel(String requested) {
        String model = requested;
        int versions = requested.indexOf("/versions/");
        if (versions >= 0) {
            model = requested.substring(0, versions);
            String v = requested.substring(versions + "/versions/".length());
            if (model.equals(name) && !v.equals(version)) {
                throw new HttpError(404, "model '" + name + "' has no version '" + v + "'; it serves version '"
                        + version + "'");
            }
        }
        if (!model.equals(name)) {
            throw new HttpError(404, "model '" + model + "' is not served here; this server serves '" + name + "'");
        }
    }

    private LoadedModel model() {
        // While stopping, requests already in flight are served; Jetty's GracefulHandler answers new ones 503.
        LoadedModel current = model;
        if (current == null) {
            throw new HttpError(503, "the model is still loading; wait for /v2/health/ready");
        }
        return current;
    }
}
