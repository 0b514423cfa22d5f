package dev.l2r.dashboard.browser;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Headless Chromium from Debian's packages ({@code chromium}, {@code chromium-driver}; .ci/run installs them), driven
 * by Selenium through the packaged chromedriver, so that Selenium Manager never downloads a browser or a driver.
 * Used by the page logic's unit tests here and by the dashboard's browser tests (system-tests).
 */
public final class Chromium {

    public static final String BINARY = System.getProperty("l2r.chromium.binary", "/usr/bin/chromium");
    public static final String DRIVER = System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");

    private Chromium() {
    }

    /** A fresh browser (its own profile directory) showing a {@code width}×{@code height} viewport, in en-US. */
    public static ChromeDriver start(int width, int height) {
        if (!Files.isExecutable(Path.of(BINARY)) || !Files.isExecutable(Path.of(DRIVER))) {
            throw new IllegalStateException("headless Chromium is needed: " + BINARY + " and " + DRIVER
                    + " (Debian: apt-get install -y chromium chromium-driver)");
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("l2r-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=en-US",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US"));
        // the page's console, for a failing test to show (consoleOf)
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        viewport(driver, width, height, false);
        return driver;
    }

    /** What the page wrote to its console since the last call (errors of its scripts among them). */
    public static String consoleOf(ChromeDriver driver) {
        StringBuilder out = new StringBuilder();
        driver.manage().logs().get("browser").forEach(e -> out.append(e.getLevel()).append(' ')
                .append(e.getMessage()).append('\n'));
        return out.toString();
    }

    /** Emulates a viewport exactly (window sizes include nothing in headless mode, but a phone is narrower than a window may be). */
    public static void viewport(ChromeDriver driver, int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }
}
