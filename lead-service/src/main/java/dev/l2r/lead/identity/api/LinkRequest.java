package dev.l2r.lead.identity.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/identity/links}: two ids that are one person or one buying group. */
@Schema(description = "Two lead ids (or a sender's personal ids, such as emails) that are one person or one buying group")
public record LinkRequest(
        @Schema(description = "A lead id, an id merged before, or a personal id (an email) as source sends it",
                example = "lead-42", required = true)
        @NotBlank(message = "is required")
        @Size(max = 200, message = "must be at most 200 characters")
        String leadId,
        @Schema(description = "The other id", example = "deal-7", required = true)
        @NotBlank(message = "is required")
        @Size(max = 200, message = "must be at most 200 characters")
        String linkedLeadId,
        @Schema(description = "When the link was seen in the other system (ISO-8601)", example = "2025-05-12T09:00:00Z",
                required = true)
        @NotBlank(message = "is required")
        String occurredAt,
        @Schema(description = "Where the link came from; default api", example = "crm")
        @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,63}", message = "must be 1-64 lower-case letters, digits, '.', '_' or '-'")
        String source) {
}
