package dev.l2r.dashboard;

import com.sun.net.httpserver.HttpServer;
import dev.l2r.dashboard.browser.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page logic's unit tests (src/test/js/*.test.js, on the modules in META-INF/resources/js/logic), run as ES
 * modules in headless Chromium: one JUnit test per JS test, failing with its message.
 */
class PageLogicTest {

    static final Path PAGES = Path.of("src/main/resources/META-INF/resources");
    static final Path TESTS = Path.of("src/test/js");

    static HttpServer server;
    static ChromeDriver browser;

    @BeforeAll
    static void serveAndOpen() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path file = path.startsWith("/test/") ? TESTS.resolve(path.substring("/test/".length()))
                    : PAGES.resolve(path.substring(1));
            file = file.normalize();
            boolean inside = file.startsWith(TESTS) || file.startsWith(PAGES);
            if (!inside || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            String name = file.getFileName().toString();
            exchange.getResponseHeaders().set("Content-Type", name.endsWith(".js") ? "text/javascript"
                    : name.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        browser = Chromium.start(1280, 800);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @TestFactory
    List<DynamicTest> pageLogic() {
        browser.get("http://127.0.0.1:" + server.getAddress().getPort() + "/test/run.html");
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(d -> Boolean.TRUE.equals(browser.executeScript("return window.__done === true")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) browser.executeScript("return window.__results");
        assertThat(results).as("the JS tests ran").isNotEmpty();
        return results.stream().map(r -> DynamicTest.dynamicTest(String.valueOf(r.get("name")), () ->
                assertThat((Boolean) r.get("ok")).as(String.valueOf(r.get("message"))).isTrue())).toList();
    }
}
