package dev.l2r.infra.test;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.List;
import java.util.Optional;

/**
 * Every {@code @QuarkusTest} request made with RestAssured carries the service's bootstrap admin key
 * ({@code %test.l2r.auth.bootstrap-key}) unless it names its own {@code X-API-Key} or {@code Authorization}, as a
 * script would: the services refuse anonymous callers, and a test about something else should not have to say
 * who it is. Tests of refusals without any credential use a plain HTTP client.
 */
public class ActAsBootstrapAdmin implements QuarkusTestBeforeEachCallback {

    public static final String HEADER = "X-API-Key";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        Optional<String> key = ConfigProvider.getConfig().getOptionalValue("l2r.auth.bootstrap-key", String.class);
        if (key.isPresent() && RestAssured.filters().stream().noneMatch(f -> f instanceof AddKey)) {
            RestAssured.filters(List.of(new AddKey(key.get())));
        }
    }

    private record AddKey(String key) implements Filter {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                               FilterContext context) {
            if (!request.getHeaders().hasHeaderWithName(HEADER) && !request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header(HEADER, key);
            }
            return context.next(request, response);
        }
    }
}
