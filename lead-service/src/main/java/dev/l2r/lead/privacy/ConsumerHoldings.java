package dev.l2r.lead.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What funnel-service and forecast-service hold under a lead: their {@code GET /api/admin/leads/{leadId}/personal-data},
 * called with the caller's own credential (its {@code X-API-Key} or {@code Authorization}, forwarded as it came), so
 * that lead-service needs no credential of its own for them and the caller sees only what it may see. A consumer that
 * does not answer fails the whole request (503 naming it): a document missing a service must not pass for whole.
 */
@ApplicationScoped
public class ConsumerHoldings {

    private static final Logger LOG = Logger.getLogger(ConsumerHoldings.class);

    @ConfigProperty(name = "l2r.privacy.funnel-url")
    String funnelUrl;

    @ConfigProperty(name = "l2r.privacy.forecast-url")
    String forecastUrl;

    @ConfigProperty(name = "l2r.privacy.consumer-timeout")
    Duration timeout;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Each consumer's answer by service name; a consumer that holds nothing answers with empty holdings. */
    public Map<String, JsonNode> of(String leadId, Map<String, String> credential) {
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        answers.put("funnel-service", fetch("funnel-service", funnelUrl, leadId, credential));
        answers.put("forecast-service", fetch("forecast-service", forecastUrl, leadId, credential));
        return answers;
    }

    private JsonNode fetch(String service, String base, String leadId, Map<String, String> credential) {
        String path = "/api/admin/leads/" + URLEncoder.encode(leadId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/personal-data";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
                .timeout(timeout).header("Accept", "application/json").GET();
        credential.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            // the address and the failure, never the lead id or the credential
            LOG.warnf("%s did not answer for personal data at %s: %s", service, base, e.getClass().getSimpleName());
            throw unavailable(service, "did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(service, "did not answer");
        }
        if (response.statusCode() == 404) {
            return json.createObjectNode().put("service", service).put("leadId", leadId)
                    .set("holds", json.createObjectNode());
        }
        if (response.statusCode() != 200) {
            LOG.warnf("%s answered %d for personal data", service, response.statusCode());
            throw unavailable(service, "answered " + response.statusCode());
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw unavailable(service, "answered something other than JSON");
        }
    }

    private static ProblemException unavailable(String service, String what) {
        return new ProblemException(503, "Service unavailable", null, service + " " + what
                + ": the personal data it holds could not be read, so no document is given; try again", null);
    }
}
