/**
 * Alerts that reach people: a model's route, receivers (email, webhook, Slack) and message templates on
 * Alertmanager's side, for a file-based Alertmanager or prometheus-operator. {@code rules} says when a model is in
 * trouble; this package says who hears of it and what they read.
 */
package io.jenkins.plugins.modelops.monitor.alerts;
