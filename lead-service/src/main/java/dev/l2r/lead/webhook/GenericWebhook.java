package dev.l2r.lead.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
        } catch (JsonProcessingException e) {
            throw RejectedInput.badRequest(Reason.INVALID, "body", e.getOriginalMessage());
        }
        requireOwnSource(transition.source());
        // a single change: a bad one refuses the delivery
        items.change(changes.fromItem(transition));
    }

    /** The generic secret signs for its configured sources only, never for another sender's. */
    private void requireOwnSource(String source) {
        boolean own = signed.generic().isEmpty() ? !SignedSources.BUILT_IN.contains(source)
                : signed.generic().contains(source);
        if (source != null && !own) {
            throw RejectedInput.badRequest(Reason.INVALID, "source", "'" + source + "' is not a source the generic "
                    + "webhook carries" + (signed.generic().isEmpty() ? "" : " " + signed.generic()));
        }
    }
}
