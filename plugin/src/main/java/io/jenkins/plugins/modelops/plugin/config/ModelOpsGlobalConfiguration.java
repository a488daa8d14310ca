package io.jenkins.plugins.modelops.plugin.config;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.Extension;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.modelops.Parameter;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Manage Jenkins → System → ModelOps: where Prometheus, Alertmanager and the Pushgateway are, and the defaults the
 * steps take when a Jenkinsfile leaves a parameter out. JCasC key {@code modelOps} (unclassified).
 */
@Extension
@Symbol("modelOps")
public class ModelOpsGlobalConfiguration extends GlobalConfiguration {

    private String prometheusUrl;
    private String prometheusCredentialsId;
    private String alertmanagerUrl;
    private String pushgatewayUrl;
    private String smtpSmarthost;
    private String smtpCredentialsId;
    private DockerRegistryEndpoint registry;
    private String namespace;
    private String baseImage;
    private String window;
    private String interval;

    public ModelOpsGlobalConfiguration() {
        load();
    }

    public static ModelOpsGlobalConfiguration get() {
        return GlobalConfiguration.all().get(ModelOpsGlobalConfiguration.class);
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        registry = null; // an emptied optional block must not keep its old value
        req.bindJSON(this, json);
        save();
        return true;
    }

    public String getPrometheusUrl() { return prometheusUrl; }
    public String getPrometheusCredentialsId() { return prometheusCredentialsId; }
    public String getAlertmanagerUrl() { return alertmanagerUrl; }
    public String getPushgatewayUrl() { return pushgatewayUrl; }
    public String getSmtpSmarthost() { return smtpSmarthost; }
    public String getSmtpCredentialsId() { return smtpCredentialsId; }
    public DockerRegistryEndpoint getRegistry() { return registry; }
    public String getNamespace() { return namespace; }
    public String getBaseImage() { return baseImage; }
    public String getWindow() { return window; }
    public String getInterval() { return interval; }

    @DataBoundSetter public void setPrometheusUrl(String v) { prometheusUrl = blank(v); save(); }
    @DataBoundSetter public void setPrometheusCredentialsId(String v) { prometheusCredentialsId = blank(v); save(); }
    @DataBoundSetter public void setAlertmanagerUrl(String v) { alertmanagerUrl = blank(v); save(); }
    @DataBoundSetter public void setPushgatewayUrl(String v) { pushgatewayUrl = blank(v); save(); }
    @DataBoundSetter public void setSmtpSmarthost(String v) { smtpSmarthost = blank(v); save(); }
    @DataBoundSetter public void setSmtpCredentialsId(String v) { smtpCredentialsId = blank(v); save(); }
    @DataBoundSetter public void setRegistry(DockerRegistryEndpoint v) { registry = v; save(); }
    @DataBoundSetter public void setNamespace(String v) { namespace = blank(v); save(); }
    @DataBoundSetter public void setBaseImage(String v) { baseImage = blank(v); save(); }
    @DataBoundSetter public void setWindow(String v) { window = blank(v); save(); }
    @DataBoundSetter public void setInterval(String v) { interval = blank(v); save(); }

    private static String blank(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    public FormValidation doCheckPrometheusUrl(@QueryParameter String value) {
        return Validation.httpUrl(value);
    }

    public FormValidation doCheckAlertmanagerUrl(@QueryParameter String value) {
        return Validation.httpUrl(value);
    }

    public FormValidation doCheckPushgatewayUrl(@QueryParameter String value) {
        return Validation.httpUrl(value);
    }

    public FormValidation doCheckSmtpSmarthost(@QueryParameter String value) {
        return Validation.check(value, v -> {
            if (!v.matches("[A-Za-z0-9.-]+:\\d{1,5}")) {
                throw new IllegalArgumentException("give host:port, e.g. smtp.example.com:587");
            }
        });
    }

    public FormValidation doCheckNamespace(@QueryParameter String value) {
        return Validation.namespace(value);
    }

    public FormValidation doCheckBaseImage(@QueryParameter String value) {
        return Validation.image(value);
    }

    public FormValidation doCheckWindow(@QueryParameter String value) {
        return Validation.duration(value, Parameter.WINDOW);
    }

    public FormValidation doCheckInterval(@QueryParameter String value) {
        return Validation.duration(value, Parameter.INTERVAL);
    }

    @POST
    public ListBoxModel doFillPrometheusCredentialsIdItems(@QueryParameter String prometheusCredentialsId) {
        return CredentialsLists.of(null, prometheusCredentialsId, StringCredentials.class);
    }

    @POST
    public ListBoxModel doFillSmtpCredentialsIdItems(@QueryParameter String smtpCredentialsId) {
        return CredentialsLists.of(null, smtpCredentialsId, StandardUsernamePasswordCredentials.class);
    }

    /** "Test connection": Prometheus' readiness endpoint, asked by an administrator with a POST only. */
    @POST
    public FormValidation doTestConnection(@QueryParameter String prometheusUrl) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        FormValidation url = Validation.httpUrl(prometheusUrl);
        if (prometheusUrl == null || prometheusUrl.isBlank() || url.kind != FormValidation.Kind.OK) {
            return FormValidation.error("give Prometheus' URL first");
        }
        URI ready = URI.create(prometheusUrl.strip().replaceAll("/+$", "") + "/-/ready");
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? FormValidation.ok("Prometheus is ready")
                    : FormValidation.error(ready + " answered " + response.statusCode());
        } catch (java.io.IOException e) {
            return FormValidation.error(ready + " cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FormValidation.error("interrupted");
        }
    }
}
