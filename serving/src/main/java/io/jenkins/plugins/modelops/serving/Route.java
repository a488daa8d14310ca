package io.jenkins.plugins.modelops.serving;

/** Where a request path leads: an endpoint and, for per-model endpoints, the model (with any /versions/V) named. */
record Route(Endpoint endpoint, String model) {

    /** A model name as a path segment: no '/', ':' or nothing. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[^/:]+");
    private static final java.util.regex.Pattern MODEL_PATH = java.util.regex.Pattern.compile("[^/:]+(/versions/[^/]+)?");

    /** The endpoints; {@code protocol} is the metrics label of counted ones (inference and feedback), else null. */
    enum Endpoint {
        LIVE("GET", null, true), READY("GET", null, true), SERVER("GET", null, false), MODEL("GET", null, false),
        MODEL_READY("GET", null, true), INFER("POST", "v2", false), PREDICT("POST", "v1", false),
        FEEDBACK("POST", "feedback", false), V1_MODELS("GET", null, false), V1_MODEL("GET", null, true),
        METRICS("GET", null, true), NOOP("POST", null, false), EXPLAIN("POST", null, false);

        final String method;
        final String protocol;
        /** Answered on the admin port too: health and metrics. */
        final boolean admin;
        /** Reads a request body (every POST endpoint). */
        final boolean takesBody;

        Endpoint(String method, String protocol, boolean admin) {
            this.method = method;
            this.protocol = protocol;
            this.admin = admin;
            this.takesBody = method.equals("POST");
        }
    }

    /** The route of {@code path}, or null for a path no endpoint answers. */
    static Route of(String path) {
        switch (path) {
            case "/v2/health/live": return new Route(Endpoint.LIVE, null);
            case "/v2/health/ready": return new Route(Endpoint.READY, null);
            case "/v2": case "/v2/": return new Route(Endpoint.SERVER, null);
            case "/v1/models": case "/v1/models/": return new Route(Endpoint.V1_MODELS, null);
            case "/metrics": return new Route(Endpoint.METRICS, null);
            case "/v2/noop": return new Route(Endpoint.NOOP, null);
            default: break;
        }
        if (path.startsWith("/v2/models/")) {
            String rest = path.substring("/v2/models/".length());
            Endpoint endpoint = Endpoint.MODEL;
            if (rest.endsWith("/infer")) {
                endpoint = Endpoint.INFER;
                rest = rest.substring(0, rest.length() - "/infer".length());
            } else if (rest.endsWith("/ready")) {
                endpoint = Endpoint.MODEL_READY;
                rest = rest.substring(0, rest.length() - "/ready".length());
            }
            // NAME or NAME/versions/VERSION: the version is checked with the name. Anything else names no endpoint.
            return MODEL_PATH.matcher(rest).matches() ? new Route(endpoint, rest) : null;
        }
        if (path.startsWith("/v1/models/")) {
            String rest = path.substring("/v1/models/".length());
            for (Endpoint endpoint : new Endpoint[] {Endpoint.PREDICT, Endpoint.EXPLAIN, Endpoint.FEEDBACK}) {
                String suffix = endpoint == Endpoint.FEEDBACK ? "/feedback" : endpoint == Endpoint.PREDICT ? ":predict"
                        : ":explain";
                if (rest.endsWith(suffix)) {
                    String model = rest.substring(0, rest.length() - suffix.length());
                    return NAME.matcher(model).matches() ? new Route(endpoint, model) : null;
                }
            }
            return NAME.matcher(rest).matches() ? new Route(Endpoint.V1_MODEL, rest) : null;
        }
        return null;
    }
}
