package io.jenkins.plugins.modelops.deploy.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.jenkins.plugins.modelops.Progress;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * fabric8's mock API server in CRUD mode, with a fault injector in front (409 and 403 on chosen requests) and a
 * small controller thread that does what the Deployment controller would: it writes each Deployment's status for its
 * latest generation within about 50 ms. Pods whose image contains "broken" never become available (the rollout
 * hangs, as with a crash-looping server); with "deadline" the controller reports ProgressDeadlineExceeded.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NS = "ml";

    final Faults faults = new Faults(new KubernetesCrudDispatcher(List.of()));
    final KubernetesMockServer server =
            new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    public final KubernetesClient client;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    public final Progress progress = log::add;
    private final Thread controller;
    private volatile boolean running = true;

    public MockCluster() throws Exception {
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        client = server.createClient();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        controller = new Thread(this::control, "mock-deployment-controller");
        controller.setDaemon(true);
        controller.start();
    }

    /** Installs the Prometheus Operator's ServiceMonitor CRD (its object only: the mock serves any kind then). */
    void installServiceMonitorCrd() {
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("servicemonitors.monitoring.coreos.com").endMetadata()
                .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
                .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors")
                .withSingular("servicemonitor").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .endSpec().build()).create();
    }

    public String text() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    private void control() {
        while (running) {
            try {
                for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
                    DeploymentStatus want = status(d);
                    if (!Objects.equals(strip(d.getStatus()), want)) {
                        d.setStatus(want);
                        client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d)
                                .updateStatus();
                    }
                }
            } catch (KubernetesClientException e) {
                // a write raced ours (409) or the server is stopping: try again on the next tick
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static DeploymentStatus strip(DeploymentStatus s) {
        return s == null ? null : new DeploymentStatusBuilder(s).build();
    }

    static DeploymentStatus status(Deployment d) {
        long generation = Objects.requireNonNullElse(d.getMetadata().getGeneration(), 1L);
        int replicas = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
        String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        // "…broken-unless-canary" runs as a canary but not on the stable track (a promotion that fails).
        boolean canary = "canary".equals(d.getSpec().getTemplate().getMetadata().getLabels().get(KubeNames.TRACK));
        boolean broken = image.contains("deadline")
                || (image.contains("broken") && !(canary && image.contains("broken-unless-canary")));
        DeploymentCondition progressing = image.contains("deadline")
                ? condition("Progressing", "False", "ProgressDeadlineExceeded",
                        "ReplicaSet \"" + d.getMetadata().getName() + "-5d4f\" has timed out progressing.")
                : condition("Progressing", "True", broken ? "ReplicaSetUpdated" : "NewReplicaSetAvailable", null);
        return new DeploymentStatusBuilder().withObservedGeneration(generation).withReplicas(replicas)
                .withUpdatedReplicas(replicas).withReadyReplicas(broken ? 0 : replicas)
                .withAvailableReplicas(broken ? 0 : replicas).withUnavailableReplicas(broken ? replicas : 0)
                .withConditions(condition("Available", broken ? "False" : "True",
                        broken ? "MinimumReplicasUnavailable" : "MinimumReplicasAvailable", null), progressing)
                .build();
    }

    private static DeploymentCondition condition(String type, String status, String reason, String message) {
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).build();
    }

    @Override
    public void close() {
        running = false;
        controller.interrupt();
        client.close();
        server.destroy();
    }

    /** Answers chosen requests with an API error instead of the CRUD dispatcher. */
    static final class Faults extends Dispatcher {

        private final Dispatcher crud;
        /** PUTs of objects (not of /status) still to answer with 409. */
        final AtomicInteger conflicts = new AtomicInteger();
        final AtomicInteger conflictsServed = new AtomicInteger();
        /** Only PUTs whose path contains this get a 409. */
        volatile String conflictOn = "";
        /** Requests to answer with 403, e.g. {@code r -> r.getMethod().equals("POST") && r.getPath().contains(...)}. */
        volatile Predicate<RecordedRequest> forbidden = r -> false;

        Faults(Dispatcher crud) {
            this.crud = crud;
        }

        /** The Authorization headers seen, for the kubeconfig tests. */
        final java.util.Set<String> authorizations = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String auth = request.getHeader("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            if (forbidden.test(request)) {
                return error(403, "Forbidden", "deployments.apps is forbidden: User \"system:serviceaccount:ci:jenkins\""
                        + " cannot create resource \"deployments\" in API group \"apps\" in the namespace \"ml\"");
            }
            if ("PUT".equals(request.getMethod()) && !request.getPath().contains("/status")
                    && request.getPath().contains(conflictOn) && conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                conflictsServed.incrementAndGet();
                return error(409, "Conflict", "Operation cannot be fulfilled: the object has been modified;"
                        + " please apply your changes to the latest version and try again");
            }
            return crud.dispatch(request);
        }

        private static MockResponse error(int code, String reason, String message) {
            return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                            + "\"message\":\"" + message.replace("\"", "\\\"") + "\",\"reason\":\"" + reason
                            + "\",\"code\":" + code + "}");
        }

        @Override
        public void shutdown() {
            crud.shutdown();
        }
    }
}
