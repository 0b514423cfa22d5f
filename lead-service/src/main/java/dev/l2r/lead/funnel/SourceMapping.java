package dev.l2r.lead.funnel;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Locale;

/**
 * One value of a source's own vocabulary and the funnel stage it means: {@code (source, field, value) → stage}.
 * A null {@code stage} marks a value that is known but is no funnel stage (HubSpot's {@code other}): a webhook
 * carrying it is accepted and ignored rather than refused as unmapped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A source value and the funnel stage it means (stage null: known, ignored)")
public record SourceMapping(
        @Schema(example = "hubspot") String source,
        @Schema(example = "lifecyclestage") String field,
        @Schema(example = "marketingqualifiedlead") String value,
        @Schema(example = "MQL") String stage) {

    /** The lookup key: source and field as given, the value without case or surrounding white space (strip, not
     * trim: a control character at either end must not vanish into a match). */
    public String key() {
        return key(source, field, value);
    }

    public static String key(String source, String field, String value) {
        return source + "\u0000" + field + "\u0000" + (value == null ? "" : value.strip().toLowerCase(Locale.ROOT));
    }
}
