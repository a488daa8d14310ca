package io.jenkins.plugins.modelops.serving;

/** The model once loaded, and the request decoder made for it: what every inference and feedback request needs. */
record LoadedModel(Predictor predictor, Requests requests) {

    static LoadedModel of(Predictor predictor, boolean strict, int maxRows) {
        return new LoadedModel(predictor, new Requests(predictor, strict, maxRows));
    }
}
