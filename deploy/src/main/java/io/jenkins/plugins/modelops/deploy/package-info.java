/**
 * deployModel's engine. {@code image} builds the server image (Jib), {@code kube} rolls it out to Kubernetes
 * (fabric8), {@code local} runs it as a supervised local process; {@code DeployModel} is the entry point.
 */
package io.jenkins.plugins.modelops.deploy;
