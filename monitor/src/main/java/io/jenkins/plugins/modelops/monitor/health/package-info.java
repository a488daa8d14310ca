/**
 * The health page's engine: one {@link io.jenkins.plugins.modelops.monitor.health.HealthSnapshot} per poll, read from
 * Prometheus or from the servers' own {@code /metrics}, and the web bundle ({@link
 * io.jenkins.plugins.modelops.monitor.health.HealthAssets}) that both hosts serve: the CLI's dashboard and the plugin.
 */
package io.jenkins.plugins.modelops.monitor.health;
