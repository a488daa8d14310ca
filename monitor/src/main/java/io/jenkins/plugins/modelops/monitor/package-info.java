/**
 * monitorModel's engine. {@code signal} says what is measured and how PromQL asks for it; {@code rules} writes the
 * alert and recording rules on the same queries. Nothing here passes a gate without evidence.
 */
package io.jenkins.plugins.modelops.monitor;
