package dev.l2r.lead.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.SignedSources;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.lead.intake.TransitionRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * L2R's own webhook for anything that can template a request (Marketo, ActiveCampaign, Zapier...): the
 * single-transition body plus {@code leadId}, signed with {@code X-L2R-Signature} = base64 HMAC-SHA256 of the body.
 * Its {@code sourceEventId} makes a retry a duplicate; without one, the body's hash does.
 */
@ApplicationScoped
public class GenericWebhook implements WebhookSource {

    @Inject
    WebhookSupport support;

    @Inject
    StageChangeFactory changes;

    @Inject
    SignedSources signed;

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public void authenticate(WebhookRequest request) {
        support.requireBodyHmac(request, "HmacSHA256", false, "X-L2R-Signature");
    }

    @Override
    public void read(WebhookRequest request, WebhookItems items) {
        JsonNode body = support.json(request.body());
        if (!body.isObject()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "expected a JSON object");
        }
        TransitionRequest transition;
        try {
            transition = support.convert(body, TransitionRequest.class);
        } catch (JsonMappingException e) {
            throw RejectedInput.badRequest(Reason.INVALID, path(e), expected(e));
        } catch (JsonProcessingException e) {
            throw RejectedInput.badRequest(Reason.INVALID, "body", "cannot be read as a transition");
        }
        requireOwnSource(transition.source());
        // a single change: a bad one refuses the delivery
        StageChange change = changes.fromItem(transition);
        if (change.sourceEventId() == null) {
            // without the sender's own id, the signed body is the delivery's id: a replay of it is a duplicate
            change = new StageChange(change.leadId(), change.stage(), change.rawStage(), change.occurredAt(),
                    change.source(), "sha256:" + Signatures.hex(Signatures.sha256(request.body())), change.amount(),
                    change.currency(), change.attributes());
        }
        items.change(change);
    }

    private static String expected(JsonMappingException e) {
        Class<?> type = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (type == String.class) {
            return "must be a string";
        }
        if (type != null && Number.class.isAssignableFrom(type)) {
            return "must be a number";
        }
        return type != null && type.isRecord() ? "must be an object" : "has the wrong type";
    }

    /** The field a mapping error is about, as REST names it ({@code attributes.channel}). */
    static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
        return WebhookFields.MAX_LENGTH < path.length() ? "body" : path;
    }

    /** The generic secret signs for its configured sources only, never for another sender's. */
    private void requireOwnSource(String source) {
        if (source == null) {
            return;  // refused by the transition's own checks, naming the field
        }
        boolean own = signed.generic().isEmpty() ? !SignedSources.BUILT_IN.contains(source)
                : signed.generic().contains(source);
        if (!own) {
            throw RejectedInput.badRequest(Reason.INVALID, "source", "'" + source + "' is not a source the generic "
                    + "webhook carries" + (signed.generic().isEmpty() ? "" : " " + signed.generic()));
        }
    }
}
