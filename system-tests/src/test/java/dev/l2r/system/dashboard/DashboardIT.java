package dev.l2r.system.dashboard;

import dev.l2r.dashboard.browser.Chromium;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.ServiceProcess;
import dev.l2r.infra.test.OidcIssuer;
import dev.l2r.system.AsAdmin;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in headless Chromium against the whole stack (real Kafka and PostgreSQL, the three packaged services
 * and the packaged dashboard, each its own process), with leads recorded through lead-service's API: sign-in refuses
 * a wrong key and keeps the right one out of the page's reach; every view shows the API's own figures (read from
 * the page's cells and compared with the services' answers to the same question); a filter changes them; a stopped
 * service raises the banner. Screenshots (1280×800, and the funnel at phone width) go to target/screenshots.
 * One class, one stack, the views in order: it is slow, so it runs once.
 */
@Tag("browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    static final Path SHOTS = Path.of("target/screenshots");
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    static final String FROM = TODAY.minusDays(120).toString();
    static final String TO = TODAY.toString();
    /** the funnel view's period: the last 92 days, against a trailing year that holds all 20 leads */
    static final String FUNNEL_FROM = TODAY.minusDays(92).toString();
    static final int LEADS = 20;

    static LocalInfra infra;
    static ServiceProcess lead;
    static ServiceProcess funnel;
    static ServiceProcess forecast;
    static ServiceProcess dashboard;
    static ChromeDriver browser;
    /** the issuer the services trust, and the dashboard's OIDC sign-in (a confidential client) */
    static OidcIssuer issuer;
    static final String OIDC_SECRET = "dashboard-it-" + java.util.UUID.randomUUID();

    @BeforeAll
    static void startEverything() throws Exception {
        AsAdmin.everyRequest();
        Files.createDirectories(SHOTS);
        infra = LocalInfra.startTemporary();
        issuer = OidcIssuer.start().client("l2r-dashboard", OIDC_SECRET);
        Map<String, String> oidc = Map.of("L2R_OIDC_ENABLED", "true", "L2R_OIDC_AUTH_SERVER_URL", issuer.url());
        Path root = Path.of(System.getProperty("l2r.repo.root", ".."));
        funnel = ServiceProcess.start(root, "funnel-service", with(ServiceProcess.envFor(infra, "l2r_funnel"), oidc), List.of("-Xmx512m"));
        forecast = ServiceProcess.start(root, "forecast-service", with(ServiceProcess.envFor(infra, "l2r_forecast"), oidc), List.of("-Xmx512m"));
        Map<String, String> leadEnv = new HashMap<>(ServiceProcess.envFor(infra, "l2r_lead"));
        leadEnv.put("L2R_FUNNEL_URL", funnel.baseUrl());
        leadEnv.put("L2R_FORECAST_URL", forecast.baseUrl());
        leadEnv.putAll(oidc);
        lead = ServiceProcess.start(root, "lead-service", leadEnv, List.of("-Xmx512m"));
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            s.awaitReady(Duration.ofSeconds(120));
        }
        dashboard = ServiceProcess.start(root, "dashboard", with(Map.of(
                "L2R_LEAD_URL", lead.baseUrl(), "L2R_FUNNEL_URL", funnel.baseUrl(),
                "L2R_FORECAST_URL", forecast.baseUrl(),
                "L2R_FUNNEL_MANAGEMENT_URL", funnel.managementUrl(),
                "L2R_FORECAST_MANAGEMENT_URL", forecast.managementUrl()), Map.of("L2R_DASHBOARD_OIDC_ENABLED", "true",
                "L2R_OIDC_AUTH_SERVER_URL", issuer.url(), "L2R_DASHBOARD_OIDC_CLIENT_SECRET", OIDC_SECRET)),
                List.of("-Xmx256m"), "L2R_DASHBOARD_PORT");
        dashboard.awaitReady(Duration.ofSeconds(60));
        recordLeads();
        browser = Chromium.start(1280, 800);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (ServiceProcess s : new ServiceProcess[]{dashboard, lead, funnel, forecast}) {
            if (s != null) {
                s.stop();
            }
        }
        if (infra != null) {
            infra.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    static Map<String, String> with(Map<String, String> env, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(more);
        return all;
    }

    static String channel(int i) {
        return i % 2 == 0 ? "web" : "partner";
    }

    /** a third of the leads came from the autumn campaign (4 of the funnel period's 12 MQLs, 2 of them web) */
    static String campaign(int i) {
        return i % 3 == 1 ? "autumn" : "spring";
    }

    /**
     * 20 leads entering MQL 100 to 81 days ago, over two channels, segments, owners and campaigns; 14 reach SAL,
     * 10 SQL, 8 OPPORTUNITY with an amount, 4 are won and 2 lost; the rest stay open (and grow stale).
     */
    static void recordLeads() {
        for (int i = 0; i < LEADS; i++) {
            String id = "dash-" + i;
            Map<String, String> attributes = Map.of("channel", channel(i), "segment", i % 3 == 0 ? "ent" : "smb",
                    "owner", i % 4 < 2 ? "ann" : "bob", "campaign", campaign(i));
            java.time.Instant at = TODAY.atStartOfDay(ZoneOffset.UTC).toInstant().minus(Duration.ofDays(100 - i));
            record(id, "MQL", at, null, attributes, 0);
            if (i >= 14) {
                continue;
            }
            at = at.plus(Duration.ofDays(2 + i % 5));
            record(id, "SAL", at, null, attributes, 1);
            if (i >= 10) {
                continue;
            }
            at = at.plus(Duration.ofDays(3));
            record(id, "SQL", at, null, attributes, 2);
            if (i >= 8) {
                continue;
            }
            at = at.plus(Duration.ofDays(4));
            record(id, "OPPORTUNITY", at, 1000 * (i + 1), attributes, 3);
            if (i < 4) {
                record(id, "CLOSED_WON", at.plus(Duration.ofDays(10 + i)), 1000 * (i + 1), attributes, 4);
            } else if (i < 6) {
                record(id, "CLOSED_LOST", at.plus(Duration.ofDays(7)), 1000 * (i + 1), attributes, 4);
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(funnelAnswer(FROM, Map.of()).getInt("stages.find { it.stage == 'MQL' }.entered")).isEqualTo(LEADS);
            assertThat(api(forecast.baseUrl()).queryParam("from", FROM).queryParam("to", TO)
                    .get("/api/forecast/kpis").then().statusCode(200).extract().jsonPath().getInt("won")).isEqualTo(4);
        });
    }

    static void record(String id, String stage, java.time.Instant at, Integer amount, Map<String, String> attributes, int n) {
        Map<String, Object> body = new HashMap<>(Map.of("toStage", stage, "occurredAt", at.toString(), "source", "api",
                "sourceEventId", id + "-" + n, "attributes", attributes));
        if (amount != null) {
            body.put("amount", amount);
            body.put("currency", "EUR");
        }
        api(lead.baseUrl()).contentType(ContentType.JSON).body(body)
                .post("/api/leads/{id}/transitions", id).then().statusCode(201);
    }

    static JsonPath funnelAnswer(String from, Map<String, String> filters) {
        return api(funnel.baseUrl()).queryParam("from", from).queryParam("to", TO).queryParams(filters)
                .get("/api/funnel").then().statusCode(200).extract().jsonPath();
    }

    /** Decimals as doubles (RestAssured's default is float, which would not equal the page's numbers). */
    static final io.restassured.config.RestAssuredConfig DOUBLES = io.restassured.RestAssured.config()
            .jsonConfig(io.restassured.config.JsonConfig.jsonConfig()
                    .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE));

    static io.restassured.specification.RequestSpecification api(String baseUrl) {
        return given().config(DOUBLES).baseUri(baseUrl);
    }

    /** A cell's data-value is the API's number (or "null" where the API has none). */
    static void sameNumber(String dataValue, Object api, String what) {
        if (api == null) {
            assertThat(dataValue).as(what).isEqualTo("null");
        } else {
            assertThat(Double.parseDouble(dataValue)).as(what).isEqualTo(((Number) api).doubleValue());
        }
    }

    // --- the page -------------------------------------------------------------------------------------------

    static void open(String query) {
        browser.get(dashboard.baseUrl() + "/" + query);
    }

    static WebElement shown(String css) {
        try {
            return new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
                List<WebElement> found = d.findElements(By.cssSelector(css));
                if (!found.isEmpty() && found.get(0).isDisplayed()) {
                    return found.get(0);
                }
                List<WebElement> errors = d.findElements(By.cssSelector("[data-state=error]"));
                if (!errors.isEmpty()) {
                    throw new AssertionError("the page shows an error: " + errors.get(0).getText()
                            + "\nits console: " + Chromium.consoleOf(browser));
                }
                return null;
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(css + " did not appear; the page says: " + browser.findElement(By.tagName("body")).getText()
                    + "\nits console: " + Chromium.consoleOf(browser), e);
        }
    }

    static WebElement cell(String scope, String key, String field) {
        return shown(scope + " tr[data-key='" + key + "'] [data-field='" + field + "']");
    }

    static String value(WebElement e) {
        return e.getDomAttribute("data-value");
    }

    static void shot(String name) throws Exception {
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** What Intl shows in en-US for a fraction with one decimal of percent. */
    static String percent(double fraction) {
        return String.format(Locale.US, "%.1f%%", fraction * 100);
    }

    static String count(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    /** Every stage row of the page's funnel table equals the API's answer for the same question. */
    static void funnelTableEquals(JsonPath api) {
        List<Map<String, Object>> stages = api.getList("stages");
        for (Map<String, Object> s : stages) {
            String stage = (String) s.get("stage");
            int entered = ((Number) s.get("entered")).intValue();
            WebElement e = cell("#funnel-table", stage, "entered");
            assertThat(value(e)).as(stage + " entered").isEqualTo(String.valueOf(entered));
            assertThat(e.getText()).isEqualTo(count(entered));
            Number toNext = (Number) s.get("conversionToNext");
            WebElement c = cell("#funnel-table", stage, "conversionToNext");
            if (toNext == null) {
                assertThat(value(c)).isEqualTo("null");
                assertThat(c.getText()).isEqualTo("–");
            } else {
                assertThat(Double.parseDouble(value(c))).as(stage + " conversion to next").isEqualTo(toNext.doubleValue());
                assertThat(c.getText()).isEqualTo(percent(toNext.doubleValue()));
            }
            sameNumber(value(cell("#funnel-table", stage, "conversionToWon")), s.get("conversionToWon"), stage + " to won");
            sameNumber(value(cell("#funnel-table", stage, "medianDaysToNext")),
                    ((Map<?, ?>) s.get("velocityToNextDays")).get("median"), stage + " median days");
        }
    }

    // --- the tests ------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aRefusedKeyIsRefusedAndTheRightOneStaysOutOfThePagesReach() throws Exception {
        open("");
        shown("#api-key").sendKeys("l2r_not_a_key_of_ours");
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        assertThat(shown("#sign-in-error").getText()).isEqualTo("This key was refused.");
        assertThat(browser.manage().getCookieNamed("l2r_session")).isNull();
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
        shot("sign-in");

        shown("#api-key").sendKeys(ServiceProcess.ADMIN_KEY);
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        shown("#nav");
        Cookie session = browser.manage().getCookieNamed("l2r_session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getExpiry()).as("a session cookie: no Max-Age, no Expires").isNull();
        assertThat(session.getValue()).doesNotContain(ServiceProcess.ADMIN_KEY);
        Object stored = browser.executeScript("return document.cookie + '|' + JSON.stringify(localStorage) + '|'"
                + " + JSON.stringify(sessionStorage) + '|' + document.documentElement.outerHTML");
        assertThat(String.valueOf(stored)).doesNotContain(ServiceProcess.ADMIN_KEY).doesNotContain("l2r_session");
    }

    @Test
    @Order(2)
    void theFunnelShowsTheApisFiguresAndAFilterChangesThem() throws Exception {
        open("?view=funnel&from=" + FUNNEL_FROM + "&to=" + TO);
        shown("#funnel-table table");
        JsonPath all = funnelAnswer(FUNNEL_FROM, Map.of());
        funnelTableEquals(all);
        JsonPath baseline = api(funnel.baseUrl()).queryParam("asOf", TODAY.plusDays(1).toString())
                .queryParam("months", 12).get("/api/funnel/baseline").then().statusCode(200).extract().jsonPath();
        for (Map<String, Object> b : baseline.<Map<String, Object>>getList("current.stages")) {
            sameNumber(value(cell("#funnel-table", (String) b.get("stage"), "baselineConversionToNext")),
                    b.get("conversionToNext"), b.get("stage") + " baseline");
        }
        // the period holds 12 of the 20 MQLs, so some conversions differ from the year's by 5 points or more: marked
        List<WebElement> marked = browser.findElements(By.cssSelector("#funnel-table td.up, #funnel-table td.down"));
        assertThat(marked).isNotEmpty();
        assertThat(marked).allSatisfy(m -> assertThat(m.getText()).containsAnyOf("▲", "▼"));
        shown("#funnel-chart canvas");
        shot("funnel");

        int webMql = funnelAnswer(FUNNEL_FROM, Map.of("channel", "web")).getInt("stages.find { it.stage == 'MQL' }.entered");
        assertThat(webMql).isNotEqualTo(all.getInt("stages.find { it.stage == 'MQL' }.entered"));
        WebElement channel = browser.findElement(By.id("filter-channel"));
        channel.sendKeys("web");
        channel.sendKeys(org.openqa.selenium.Keys.TAB);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("channel=web")
                && value(cell("#funnel-table", "MQL", "entered")).equals(String.valueOf(webMql)));
        assertThat(browser.getCurrentUrl()).contains("view=funnel").contains("from=" + FUNNEL_FROM);
        funnelTableEquals(funnelAnswer(FUNNEL_FROM, Map.of("channel", "web")));

        // the URL is the view: opened afresh it shows the same filter
        open("?view=funnel&from=" + FROM + "&to=" + TO + "&channel=partner");
        shown("#funnel-table table");
        assertThat(browser.findElement(By.id("filter-channel")).getDomProperty("value")).isEqualTo("partner");
        funnelTableEquals(funnelAnswer(FROM, Map.of("channel", "partner")));

        // a campaign, typed in: the page's figures are GET /api/funnel?campaign=autumn's, and the URL keeps it
        open("?view=funnel&from=" + FUNNEL_FROM + "&to=" + TO);
        shown("#funnel-table table");
        JsonPath autumn = funnelAnswer(FUNNEL_FROM, Map.of("campaign", "autumn"));
        int autumnMql = autumn.getInt("stages.find { it.stage == 'MQL' }.entered");
        assertThat(autumnMql).isEqualTo(4).isNotEqualTo(all.getInt("stages.find { it.stage == 'MQL' }.entered"));
        WebElement campaign = browser.findElement(By.id("filter-campaign"));
        campaign.sendKeys("autumn");
        campaign.sendKeys(org.openqa.selenium.Keys.TAB);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("campaign=autumn")
                && value(cell("#funnel-table", "MQL", "entered")).equals(String.valueOf(autumnMql)));
        funnelTableEquals(autumn);
        JsonPath autumnBaseline = api(funnel.baseUrl()).queryParam("asOf", TODAY.plusDays(1).toString())
                .queryParam("months", 12).queryParam("campaign", "autumn").get("/api/funnel/baseline").then()
                .statusCode(200).extract().jsonPath();
        for (Map<String, Object> b : autumnBaseline.<Map<String, Object>>getList("current.stages")) {
            sameNumber(value(cell("#funnel-table", (String) b.get("stage"), "baselineConversionToNext")),
                    b.get("conversionToNext"), b.get("stage") + " autumn baseline");
        }
        shot("funnel-campaign");

        // with a channel as well, from a shared URL
        open("?view=funnel&from=" + FUNNEL_FROM + "&to=" + TO + "&channel=web&campaign=autumn");
        shown("#funnel-table table");
        assertThat(browser.findElement(By.id("filter-campaign")).getDomProperty("value")).isEqualTo("autumn");
        JsonPath autumnWeb = funnelAnswer(FUNNEL_FROM, Map.of("channel", "web", "campaign", "autumn"));
        assertThat(autumnWeb.getInt("stages.find { it.stage == 'MQL' }.entered")).isEqualTo(2);
        funnelTableEquals(autumnWeb);
    }

    @Test
    @Order(3)
    void theCohortsShowTheConversionOfEachEntryMonth() throws Exception {
        open("?view=cohorts&fromStage=MQL&toStage=CLOSED_WON&interval=month&from=" + FROM + "&to=" + TO);
        shown("#cohort-table table");
        JsonPath api = api(funnel.baseUrl()).queryParam("fromStage", "MQL").queryParam("toStage", "CLOSED_WON")
                .queryParam("interval", "month").queryParam("from", FROM).queryParam("to", TO)
                .get("/api/funnel/conversion").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> cohorts = api.getList("cohorts");
        assertThat(cohorts).isNotEmpty();
        for (Map<String, Object> c : cohorts) {
            String period = (String) c.get("period");
            assertThat(value(cell("#cohort-table", period, "cohortSize"))).isEqualTo(String.valueOf(c.get("cohortSize")));
            sameNumber(value(cell("#cohort-table", period, "rate")), c.get("rate"), period + " rate");
        }
        shown("#cohort-chart canvas");
        shot("cohorts");
    }

    @Test
    @Order(4)
    void velocityAndStaleLeadsLeadToALeadsHistory() throws Exception {
        open("?view=velocity&fromStage=MQL&toStage=SAL&from=" + FROM + "&to=" + TO);
        shown("#velocity [data-field=converted]");
        JsonPath conversion = api(funnel.baseUrl()).queryParam("fromStage", "MQL").queryParam("toStage", "SAL")
                .queryParam("from", FROM).queryParam("to", TO).get("/api/funnel/conversion").then().statusCode(200)
                .extract().jsonPath();
        assertThat(value(shown("#velocity [data-field=converted]"))).isEqualTo("14");
        assertThat(conversion.getInt("overall.converted")).isEqualTo(14);
        assertThat(Double.parseDouble(value(shown("#velocity [data-field=median]"))))
                .isEqualTo(conversion.getDouble("overall.velocityDays.median"));
        JsonPath wip = api(funnel.baseUrl()).queryParam("limit", 50).get("/api/funnel/wip").then()
                .statusCode(200).extract().jsonPath();
        for (Map<String, Object> s : wip.<Map<String, Object>>getList("stages")) {
            assertThat(value(cell("#stale", (String) s.get("stage"), "leads"))).isEqualTo(String.valueOf(s.get("leads")));
            assertThat(value(cell("#stale", (String) s.get("stage"), "stale"))).isEqualTo(String.valueOf(s.get("stale")));
        }
        List<String> staleIds = wip.getList("staleLeads.leadId");
        assertThat(staleIds).as("leads 81 to 86 days in MQL are stale").isNotEmpty();
        shown("#velocity-chart canvas");
        shot("velocity");

        String first = staleIds.get(0);
        shown("#stale tr[data-key='" + first + "'] a").click();
        shown("#lead-history table");
        assertThat(browser.getCurrentUrl()).contains("view=lead").contains("id=" + first);
        JsonPath history = api(lead.baseUrl()).get("/api/leads/{id}", first).then().statusCode(200)
                .extract().jsonPath();
        assertThat(browser.findElements(By.cssSelector("#lead-history tbody tr")))
                .hasSize(history.getList("history").size());
        assertThat(value(shown("#lead-summary [data-field=currentStage]"))).isEqualTo(history.getString("currentStage"));
        shown("#lead-chart canvas");
        shot("lead");
    }

    @Test
    @Order(5)
    void theForecastShowsTheApisFanAttainmentPlanKpisAndBacktest() throws Exception {
        String targetEnd = TODAY.plusDays(60).toString();
        open("?view=forecast&asOf=" + TO + "&horizonDays=90&groupBy=channel&from=" + FROM + "&to=" + TO
                + "&target=50000&targetEnd=" + targetEnd);
        shown("#forecast [data-field=expectedRevenue]");
        JsonPath f = api(forecast.baseUrl()).queryParam("asOf", TO).queryParam("horizonDays", 90)
                .queryParam("simulations", 2000).queryParam("seed", 20250301).get("/api/forecast").then().statusCode(200)
                .extract().jsonPath();
        assertThat(Double.parseDouble(value(shown("#forecast [data-field=expectedRevenue]"))))
                .isEqualTo(f.getDouble("expectedRevenue"));
        assertThat(Double.parseDouble(value(shown("#forecast [data-field=p90]")))).isEqualTo(f.getDouble("p90"));

        JsonPath kpis = api(forecast.baseUrl()).queryParam("from", FROM).queryParam("to", TO)
                .queryParam("groupBy", "channel").get("/api/forecast/kpis").then().statusCode(200).extract().jsonPath();
        assertThat(value(cell("#kpis", "All", "won"))).isEqualTo("4");
        assertThat(kpis.getInt("won")).isEqualTo(4);
        for (Map<String, Object> g : kpis.<Map<String, Object>>getList("groups")) {
            assertThat(value(cell("#kpis", String.valueOf(g.get("key")), "won"))).isEqualTo(String.valueOf(g.get("won")));
        }
        JsonPath plan = api(forecast.baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("targetRevenue", 50000, "periodEnd", targetEnd, "asOf", TO)).post("/api/forecast/plan")
                .then().statusCode(200).extract().jsonPath();
        assertThat(Double.parseDouble(value(shown("#plan [data-field=planGap]")))).isEqualTo(plan.getDouble("gap"));
        shown("#backtest [data-field=mape]");
        shown("#fan-chart canvas");
        shown("#backtest-chart canvas");
        shot("forecast");
    }

    @Test
    @Order(6)
    void freshnessShowsEachServiceAndTheConsumersLag() throws Exception {
        open("?view=freshness");
        for (String s : new String[]{"lead-service", "funnel-service", "forecast-service"}) {
            assertThat(value(cell("#freshness", s, "status"))).as(s).isEqualTo("UP");
        }
        // the newest event applied is the last close, 81+ days ago at most 100 days
        double lag = Double.parseDouble(value(cell("#freshness", "funnel-service", "freshnessSeconds")));
        assertThat(lag).isBetween(40 * 86400.0, 101 * 86400.0);
        assertThat(browser.findElement(By.id("banner")).isDisplayed()).isFalse();
        shot("freshness");
    }

    @Test
    @Order(7)
    void onAPhoneTheFunnelFitsTheWidth() throws Exception {
        Chromium.viewport(browser, 390, 844, true);
        try {
            open("?view=funnel&from=" + FUNNEL_FROM + "&to=" + TO);
            shown("#funnel-table table");
            shown("#funnel-chart canvas");
            Number width = (Number) browser.executeScript("return document.documentElement.scrollWidth");
            assertThat(width.intValue()).as("no sideways scrolling of the page").isLessThanOrEqualTo(390);
            shot("funnel-phone");
        } finally {
            Chromium.viewport(browser, 1280, 800, false);
        }
    }

    @Test
    @Order(8)
    void aServiceThatStopsRaisesTheBanner() throws Exception {
        forecast.stop();
        open("?view=forecast&asOf=" + TO);
        // the views' own error states appear too, so the wait is for the banner alone
        WebElement banner = browser.findElement(By.id("banner"));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> banner.isDisplayed()
                && banner.getText().contains("forecast-service"));
        assertThat(banner.getText()).contains("forecast-service does not answer").doesNotContain("funnel-service");
        assertThat(shown("[data-state=error]").getText()).contains("forecast-service");
        shot("banner");
    }

    @Test
    @Order(9)
    void everyViewRanUnderTheContentSecurityPolicyAndTheIssuerSignsIn() throws Exception {
        // the views opened so far (every one) broke no rule of the Content-Security-Policy
        String console = Chromium.consoleOf(browser);
        assertThat(console).doesNotContain("Content Security Policy").doesNotContain("Refused to");

        browser.manage().deleteAllCookies();
        open("");
        WebElement link = shown("#oidc-link");
        assertThat(link.getText()).isEqualTo("Sign in with 127.0.0.1");
        issuer.signInAs("rita", "l2r:read");
        link.click();
        // the issuer signs rita in at once and sends the browser back: the dashboard's views, no key typed
        shown("#nav");
        assertThat(browser.getCurrentUrl()).isEqualTo(dashboard.baseUrl() + "/");
        Cookie session = browser.manage().getCookieNamed("l2r_session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(browser.manage().getCookieNamed("l2r_oidc")).as("the pending sign-in is spent").isNull();
        Object stored = browser.executeScript("return document.cookie + '|' + JSON.stringify(localStorage) + '|'"
                + " + JSON.stringify(sessionStorage) + '|' + document.documentElement.outerHTML");
        assertThat(String.valueOf(stored)).doesNotContain("eyJ").doesNotContain(OIDC_SECRET).doesNotContain("l2r_session");

        // the funnel's figures come through with rita's token (scope read), which funnel-service verified
        open("?view=funnel&from=" + FUNNEL_FROM + "&to=" + TO);
        shown("#funnel-table table");
        funnelTableEquals(funnelAnswer(FUNNEL_FROM, Map.of()));
        shot("signed-in-oidc");
        assertThat(Chromium.consoleOf(browser)).doesNotContain("Content Security Policy");

        browser.findElement(By.id("sign-out")).click();
        shown("#oidc-link");
        assertThat(browser.manage().getCookieNamed("l2r_session")).isNull();
    }
}
