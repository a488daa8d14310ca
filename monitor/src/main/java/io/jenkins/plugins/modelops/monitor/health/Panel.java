package io.jenkins.plugins.modelops.monitor.health;

import io.jenkins.plugins.modelops.monitor.signal.Signal;

import java.util.ArrayList;
import java.util.List;

/**
 * One card and its chart: a gate signal, or the server's memory ({@code signal} null). Defined once for both
 * sources, so the page shows the same figures from Prometheus and from the embedded scrape.
 */
record Panel(String id, String label, String unit, Signal signal) {

    static final Panel MEMORY = new Panel("memory", "Memory (resident)", "bytes", null);

    /** Accuracy for a classifier, MAE and RMSE for a regressor (neither when the task is unknown), then the rest. */
    static List<Panel> forTask(String task) {
        List<Panel> panels = new ArrayList<>();
        if ("classification".equals(task)) {
            panels.add(of(Signal.ACCURACY, "Accuracy"));
        } else if ("regression".equals(task)) {
            panels.add(of(Signal.MAE, "MAE"));
            panels.add(of(Signal.RMSE, "RMSE"));
        }
        panels.add(of(Signal.LATENCY_P50, "Latency p50"));
        panels.add(of(Signal.LATENCY_P95, "Latency p95"));
        panels.add(of(Signal.LATENCY_P99, "Latency p99"));
        panels.add(of(Signal.ERROR_RATE, "Error rate"));
        panels.add(of(Signal.REQUEST_RATE, "Request rate"));
        panels.add(MEMORY);
        return panels;
    }

    /** Every panel of any task: what a source reads once for all models. */
    static List<Panel> all() {
        List<Panel> panels = new ArrayList<>(forTask("regression"));
        panels.add(0, of(Signal.ACCURACY, "Accuracy"));
        return panels;
    }

    private static Panel of(Signal signal, String label) {
        String unit = switch (signal.unit()) {
            case RATIO -> "ratio";
            case SECONDS -> "seconds";
            case PER_SECOND -> "perSecond";
            case LABEL -> "label";
            case COUNT -> "count";
        };
        return new Panel(signal.id(), label, unit, signal);
    }
}
