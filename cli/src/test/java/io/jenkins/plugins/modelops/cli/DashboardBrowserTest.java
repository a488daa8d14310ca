package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Json;
import io.jenkins.plugins.modelops.monitor.gate.Decision;
import io.jenkins.plugins.modelops.monitor.gate.GateState;
import io.jenkins.plugins.modelops.monitor.gate.Measurement;
import io.jenkins.plugins.modelops.monitor.testsupport.ModelServers;
import io.jenkins.plugins.modelops.monitor.testsupport.PrometheusServer;
import io.jenkins.plugins.modelops.monitor.testsupport.SteadyTraffic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The health page in a real browser (Debian's chromium) against {@code modelops dashboard} with real model servers
 * behind it: the cards show what the servers' metrics imply, the charts follow new traffic, the gate timeline is the
 * state file's, hostile labels stay text, and a server or Prometheus gone shows the banner, not a blank page.
 */
class DashboardBrowserTest {

    private static Browser browser;

    @TempDir
    Path dir;

    private RunningDashboard dashboard;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void stopDashboard() throws Exception {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void cardsChartsGateTimelineAndHostileLabelsFromTheServersOwnMetrics() throws Exception {
        ModelServers.Running iris = ModelServers.start(ModelServers.iris(), null);
        String metrics = iris.url().resolve("/metrics").toString();
        SteadyTraffic traffic = SteadyTraffic.start(iris.url(), iris.name());
        try (iris; HostileExporter hostile = HostileExporter.start()) {
            GateState gate = gateState();
            Path gateFile = dir.resolve("gate.json");
            Json.MAPPER.writeValue(gateFile.toFile(), gate);
            dashboard = RunningDashboard.start("--endpoint", iris.url().toString(), "--endpoint",
                    hostile.url().toString(), "--port", "0", "--rate-window", "5s", "--gate-state", "iris=" + gateFile,
                    "--gate-state", dir.resolve("absent.json").toString(), "--bundle", ModelServers.iris().toString());
            browser.size(1280, 800);
            browser.driver.get(dashboard.url().toString());

            // Cards: the figures the steady traffic implies (error rate 1/6, accuracy 3/4), computed from /metrics.
            awaitCard("iris", "accuracy");
            awaitCard("iris", "errorRate");
            Browser.await("errors counted", () -> cardValue("iris", "errorRate") > 0, this::page);
            Thread.sleep(10_000); // every series scraped over a whole 5s rate window, and the page polled since
            assertThat(cardValue("iris", "accuracy")).isCloseTo(SteadyTraffic.ACCURACY, within(0.03));
            assertThat(cardValue("iris", "errorRate")).isCloseTo(SteadyTraffic.ERROR_RATE, within(0.03));
            assertThat(cardValue("iris", "requestRate")).isPositive();
            assertThat(cardText("iris", "latencyP99")).endsWith(" ms");
            assertThat(cardText("iris", "memory")).endsWith(" MiB");
            assertThat(model("iris").findElement(By.cssSelector(".mo-status")).getText())
                    .isEqualTo("running");
            assertThat(model("iris").findElement(By.cssSelector(".mo-provenance")).getText())
                    .contains("Model id", "logistic", "classification", "Data hash");
            assertThat(model("iris").findElement(By.cssSelector(".mo-model-card summary")).getText())
                    .isEqualTo("Model card");

            // A disclosure opened by the reader stays open through the polls that rebuild the cards.
            WebElement promql = card("iris", "accuracy").findElement(By.cssSelector("summary"));
            promql.click();
            String before = polls();
            Browser.await("two more polls", () -> Integer.parseInt(polls()) >= Integer.parseInt(before) + 2,
                    this::page);
            assertThat(card("iris", "accuracy").findElement(By.cssSelector("details")).getDomAttribute("open"))
                    .isNotNull();
            assertThat(card("iris", "accuracy").findElement(By.cssSelector("code")).getText())
                    .startsWith("sum by (model, version) (rate(modelops_feedback_total{model=\"iris\"");

            // The gate timeline: one row a measurement, as the state file has it.
            List<WebElement> rows = model("iris").findElements(By.cssSelector(".mo-gate tr.mo-measurement"));
            List<Measurement> measurements = gate.rounds().stream().flatMap(r -> r.measurements().stream()).toList();
            assertThat(rows).hasSize(measurements.size());
            for (int i = 0; i < rows.size(); i++) {
                Measurement m = measurements.get(i);
                assertThat(rows.get(i).findElement(By.cssSelector(".mo-condition")).getText()).isEqualTo(m.condition());
                assertThat(rows.get(i).findElement(By.cssSelector(".mo-decision")).getText())
                        .isEqualTo(m.decision().name());
                assertThat(rows.get(i).findElement(By.cssSelector("code")).getAttribute("textContent"))
                        .isEqualTo(m.query());
            }
            assertThat(rows.get(0).findElement(By.cssSelector(".mo-value")).getText()).isEqualTo("95.5 %");
            assertThat(rows.get(0).findElement(By.cssSelector(".mo-threshold")).getText()).isEqualTo("90 %");
            assertThat(rows.get(1).findElement(By.cssSelector(".mo-value")).getText()).isEqualTo("61.2 ms");
            assertThat(model("iris").findElement(By.cssSelector(".mo-verdict")).getText()).isEqualTo("FAIL");
            assertThat(model("iris").findElement(By.cssSelector(".mo-gate-reason")).getText()).isEqualTo(gate.reason());
            assertThat(browser.driver.findElement(By.cssSelector(".mo-gates")).getText())
                    .contains("not written yet");

            // Hostile labels: text on the page, no element made of them, no dialog.
            Browser.await("the hostile model", () -> model(HostileExporter.NAME) != null, this::page);
            WebElement evil = model(HostileExporter.NAME);
            assertThat(evil.findElement(By.cssSelector("h2")).getText()).isEqualTo(HostileExporter.NAME);
            assertThat(evil.findElement(By.cssSelector(".mo-status")).getText()).isEqualTo("degraded");
            assertThat(evil.findElement(By.cssSelector(".mo-cause")).getText()).isEqualTo(HostileExporter.CAUSE);
            assertThat(evil.findElement(By.cssSelector(".mo-provenance")).getText())
                    .contains(HostileExporter.ALGORITHM, "'-alert(5)-'");
            assertThat(browser.driver.findElements(By.cssSelector("img, svg, b, script:not([src])")))
                    .isEmpty();
            assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

            // Charts follow the traffic: the request rate drops to 0 once it stops, and rises when it comes back.
            new Select(browser.driver.findElement(By.id("mo-range"))).selectByValue("5m");
            traffic.close();
            Browser.await("the request rate chart at 0", () -> "0".equals(chart("iris", "requestRate")
                    .getDomAttribute("data-last")), this::page);
            int points = Integer.parseInt(chart("iris", "requestRate").getDomAttribute("data-points"));
            traffic = SteadyTraffic.start(iris.url(), iris.name());
            Browser.await("the request rate chart above 0", () -> Double.parseDouble(chart("iris", "requestRate")
                    .getDomAttribute("data-last")) > 0, this::page);
            assertThat(Integer.parseInt(chart("iris", "requestRate").getDomAttribute("data-points")))
                    .isGreaterThan(points);
            assertThat(chart("iris", "requestRate").findElements(By.tagName("canvas"))).isNotEmpty();
            browser.script("arguments[0].scrollIntoView();", model("iris").findElement(By.cssSelector(".mo-cards")));
            browser.screenshot("dashboard-1280x800");

            // A hidden tab polls no more (the browser's own visibility, set as a background tab would have it).
            browser.script("Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
                    + "document.dispatchEvent(new Event('visibilitychange'));");
            Thread.sleep(1_500); // a poll already under way ends
            String polls = polls();
            Thread.sleep(7_000); // over two poll intervals: a poll would have come
            assertThat(polls()).isEqualTo(polls);
            assertThat(browser.driver.findElement(By.cssSelector(".mo-updated")).getText())
                    .isEqualTo("paused while the tab is hidden");
            browser.script("Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
                    + "document.dispatchEvent(new Event('visibilitychange'));");
            Browser.await("polls again", () -> !polls().equals(polls), this::page);

            // Keyboard, from a fresh load: the range is the first stop, then the PromQL disclosures.
            browser.driver.navigate().refresh();
            awaitCard("iris", "accuracy");
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
            assertThat(browser.driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("mo-range");
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
            assertThat(browser.driver.switchTo().activeElement().getTagName()).isEqualTo("summary");

            // A phone's width: one column, nothing wider than the screen.
            browser.size(390, 844);
            Browser.await("the page within 390 px", () -> ((Number) browser.script(
                    "return document.documentElement.scrollWidth;")).intValue() <= ((Number) browser.script(
                    "return window.innerWidth;")).intValue(), this::page);
            browser.screenshot("dashboard-phone");
            browser.size(1280, 800);

            // The server gone: the banner says which and why; the hostile exporter still answers.
            traffic.close();
            iris.close();
            Browser.await("the banner", () -> banner().isDisplayed() && banner().getText().contains("server "
                    + metrics + ": "), this::page);
            browser.screenshot("dashboard-server-gone");
            assertThat(browser.cspViolations()).isEmpty();
        } finally {
            traffic.close();
        }
    }

    @Test
    void prometheusDownShowsTheBannerOverTheLastFigures() throws Exception {
        try (ModelServers.Running iris = ModelServers.start(ModelServers.iris(), null);
             SteadyTraffic traffic = SteadyTraffic.start(iris.url(), iris.name());
             PrometheusServer prometheus = PrometheusServer.start(List.of(iris.target()))
                     .awaitReady(Duration.ofSeconds(30))) {
            dashboard = RunningDashboard.start("--prometheus", prometheus.url().toString(), "--prometheus-timeout",
                    "3s", "--port", "0", "--rate-window", "5s");
            browser.size(1280, 800);
            browser.driver.get(dashboard.url().toString());
            awaitCard("iris", "accuracy");
            Thread.sleep(10_000); // every series scraped over a whole 5s rate window, and the page polled since
            assertThat(cardValue("iris", "accuracy")).isCloseTo(SteadyTraffic.ACCURACY, within(0.03));
            assertThat(model("iris").findElement(By.cssSelector(".mo-alerts")).getText())
                    .isEqualTo("No alert pending or firing.");
            assertThat(banner().isDisplayed()).isFalse();

            prometheus.close();
            Browser.await("the banner", () -> banner().isDisplayed() && banner().getText()
                    .startsWith("Cannot reach Prometheus at " + prometheus.url()), this::page);
            assertThat(model("iris")).as("the last figures stay").isNotNull();
            assertThat(browser.driver.findElement(By.cssSelector(".mo-models")).getDomAttribute("class"))
                    .contains("mo-stale");
            browser.screenshot("dashboard-prometheus-down");

            dashboard.close();
            dashboard = null;
            Browser.await("the banner for the dashboard itself", () -> banner().getText()
                    .startsWith("The health endpoint does not answer"), this::page);
            assertThat(browser.cspViolations()).isEmpty();
        }
    }

    private static GateState gateState() {
        String accuracy = "sum by (model, version) (rate(modelops_feedback_total{model=\"iris\",outcome=\"correct\"}"
                + "[5m])) / sum by (model, version) (rate(modelops_feedback_total{model=\"iris\"}[5m]))";
        String latency = "histogram_quantile(0.99, sum by (model, version, le) (rate("
                + "modelops_request_duration_seconds_bucket{model=\"iris\"}[5m])))";
        return new GateState("2026-12-02T07:00:00Z", List.of(
                new GateState.Round(1, "2026-12-02T07:00:15Z", List.of(
                        new Measurement("2026-12-02T07:00:15Z", "accuracy>=0.9", "accuracy", accuracy, 0.955, 0.9,
                                null, 120, 0.9, 0.98, Decision.PASS, "0.955 >= 0.9 on 120 samples"),
                        new Measurement("2026-12-02T07:00:15Z", "latencyP99<=50ms", "latencyP99", latency, 0.0612,
                                0.05, null, 400, null, null, Decision.FAIL, "61.2ms > 50ms <img src=x onerror=alert(6)>"))),
                new GateState.Round(2, "2026-12-02T07:00:30Z", List.of(
                        new Measurement("2026-12-02T07:00:30Z", "accuracy>=0.9", "accuracy", accuracy, null, 0.9,
                                null, 3, null, null, Decision.INCONCLUSIVE, "3 samples, fewer than 100")))),
                0, Decision.FAIL, "latencyP99<=50ms failed: 61.2ms > 50ms");
    }

    private WebElement model(String name) {
        return browser.driver.findElements(By.cssSelector("section.mo-model")).stream()
                .filter(s -> name.equals(s.getDomAttribute("data-model"))).findFirst().orElse(null);
    }

    private WebElement card(String model, String signal) {
        return model(model).findElements(By.cssSelector(".mo-card")).stream()
                .filter(c -> signal.equals(c.getDomAttribute("data-signal"))).findFirst().orElseThrow();
    }

    private WebElement chart(String model, String signal) {
        return model(model).findElements(By.cssSelector(".mo-chart")).stream()
                .filter(c -> signal.equals(c.getDomAttribute("data-signal"))).findFirst().orElseThrow();
    }

    private void awaitCard(String model, String signal) throws InterruptedException {
        Browser.await(signal + " of " + model, () -> !card(model, signal).findElement(By.cssSelector(
                ".mo-card-value")).getDomAttribute("data-value").isEmpty(), this::page);
    }

    private double cardValue(String model, String signal) {
        return Double.parseDouble(card(model, signal).findElement(By.cssSelector(".mo-card-value"))
                .getDomAttribute("data-value"));
    }

    private String cardText(String model, String signal) {
        return card(model, signal).findElement(By.cssSelector(".mo-card-value")).getText();
    }

    private String polls() {
        return browser.driver.findElement(By.id("modelops-health")).getDomAttribute("data-polls");
    }

    private WebElement banner() {
        return browser.driver.findElement(By.cssSelector(".mo-banner"));
    }

    private Object page() {
        return browser.driver.findElement(By.tagName("body")).getText();
    }
}
