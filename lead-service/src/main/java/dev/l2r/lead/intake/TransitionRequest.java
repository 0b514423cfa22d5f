package dev.l2r.lead.intake;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;

/**
 * The body of {@code POST /api/leads/{leadId}/transitions}, an item of {@code POST /api/transitions} and the
 * generic webhook's body; {@code leadId} is only read where there is no path parameter.
 */
@Schema(description = "A stage change of one lead")
public record TransitionRequest(
        @Schema(description = "Lead id; only in batch bodies, where there is no path parameter", example = "lead-42")
        @Size(max = 200, message = "must be at most 200 characters")
        String leadId,
        @Schema(description = "Funnel stage key", example = "MQL", required = true)
        @NotBlank(message = "is required")
        String toStage,
        @Schema(description = "When it happened in the source system (ISO-8601)", example = "2025-03-01T10:15:30Z", required = true)
        @NotBlank(message = "is required")
        String occurredAt,
        @Schema(description = "Where the change came from", example = "api", required = true)
        @NotBlank(message = "is required")
        @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,63}", message = "must be 1-64 lower-case letters, digits, '.', '_' or '-'")
        String source,
        @Schema(description = "The sender's own id; with source, makes a retry a no-op", example = "crm-7781")
        @Size(max = 200, message = "must be at most 200 characters")
        String sourceEventId,
        @Schema(description = "Deal amount, when known", example = "12500.00")
        @DecimalMin(value = "0", message = "must not be negative")
        @Digits(integer = 15, fraction = 4, message = "must have at most 15 digits and 4 decimals")
        BigDecimal amount,
        @Schema(description = "ISO 4217 currency of amount", example = "EUR")
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR")
        String currency,
        @Valid
        AttributesRequest attributes,
        @Schema(description = "The source's own name for the stage, kept beside the canonical key for audit",
                example = "marketingqualifiedlead")
        @Size(max = 200, message = "must be at most 200 characters")
        String rawStage) {

    /** Segmenting attributes; each optional. */
    public record AttributesRequest(
            @Size(max = 200, message = "must be at most 200 characters") String channel,
            @Size(max = 200, message = "must be at most 200 characters") String segment,
            @Size(max = 200, message = "must be at most 200 characters") String owner,
            @Size(max = 200, message = "must be at most 200 characters") String campaign) {
    }
}
