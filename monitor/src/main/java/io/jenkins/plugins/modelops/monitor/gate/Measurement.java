package io.jenkins.plugins.modelops.monitor.gate;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One condition measured once: the evidence a page shows (Argo #1591, Kayenta #521: users need to see why).
 * {@code value}, {@code threshold} and {@code baseline} are null when there was nothing to show; {@code query} is
 * the resolved PromQL (or the embedded scrape's description of it).
 *
 * @param lower,upper a 95% Wilson interval around an accuracy, so a reader sees how sure the value is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Measurement(String at, String condition, String signal, String query, Double value, Double threshold,
                          Double baseline, long samples, Double lower, Double upper, Decision decision, String reason) {
}
