package io.jenkins.plugins.modelops.cli;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Debian's headless chromium driven through Debian's chromium-driver (never a downloaded browser or driver), with
 * every Content-Security-Policy violation the page meets recorded from its first script on, and screenshots under
 * target/screenshots.
 */
final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where the page's CSP violations are kept: read back by {@link #cspViolations}. */
    private static final String RECORD_VIOLATIONS = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', function (e) {"
            + " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });";

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser start() {
        for (Path binary : List.of(CHROMIUM, DRIVER)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is not installed: run scripts/install-deps.sh --test "
                        + "(Debian packages chromium and chromium-driver)");
            }
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,800", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_VIOLATIONS));
        return new Browser(driver);
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves the page as target/screenshots/NAME.png. */
    Path screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        File shot = driver.getScreenshotAs(OutputType.FILE);
        return Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @SuppressWarnings("unchecked")
    List<String> cspViolations() {
        return (List<String>) driver.executeScript("return window.__cspViolations || [];");
    }

    Object script(String javascript, Object... args) {
        return driver.executeScript(javascript, args);
    }

    /** Polls {@code condition} until it holds or the deadline passes; fails with what {@code state} says then. */
    static void await(String what, Supplier<Boolean> condition, Supplier<Object> state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the element is not there yet, or was replaced while read
            }
            Thread.sleep(250);
        }
        throw new AssertionError(what + " not seen within 45 s; the page then: " + state.get());
    }

    @Override
    public void close() {
        driver.quit();
    }
}
