package dev.l2r.system;

import dev.l2r.infra.ServiceProcess;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

import java.util.List;

/**
 * The system tests call the packaged services as a user's scripts would: with the admin key the services were
 * started with, unless a request names its own credential.
 */
public final class AsAdmin {

    private AsAdmin() {
    }

    public static void everyRequest() {
        Filter addKey = (request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("X-API-Key")
                    && !request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("X-API-Key", ServiceProcess.ADMIN_KEY);
            }
            return context.next(request, response);
        };
        RestAssured.replaceFiltersWith(List.of(addKey));
    }
}
