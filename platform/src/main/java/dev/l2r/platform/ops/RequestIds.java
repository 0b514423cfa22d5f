package dev.l2r.platform.ops;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.MDC;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every REST request an id, in the logs (MDC key {@value #MDC_KEY}, a field of each JSON log line) and
 * in the {@value #HEADER} response header. A caller's own {@value #HEADER} is kept when it is a plain token,
 * so that one id follows a request through a gateway and L2R; anything else is replaced, never echoed.
 */
@Provider
public class RequestIds implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";

    private static final Pattern PLAIN_TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    /** The caller's id when it is safe to log and echo, a new one otherwise. */
    public static String acceptOrCreate(String offered) {
        if (offered != null && PLAIN_TOKEN.matcher(offered).matches()) {
            return offered;
        }
        return UUID.randomUUID().toString();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String id = acceptOrCreate(request.getHeaderString(HEADER));
        request.setProperty(MDC_KEY, id);
        MDC.put(MDC_KEY, id);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(MDC_KEY);
        if (id != null) {
            response.getHeaders().putSingle(HEADER, id);
        }
        MDC.remove(MDC_KEY);
    }
}
