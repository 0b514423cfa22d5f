package dev.l2r.lead.keys;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** The body of {@code POST /api/admin/keys}. */
@Schema(description = "A key to make")
public record KeyRequest(
        @Schema(description = "What the key is for", example = "crm sync", required = true)
        @NotBlank(message = "is required")
        @Size(max = 200, message = "must be at most 200 characters")
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
        String name,
        @Schema(description = "read, write and/or admin (admin may also read and write)", example = "[\"write\"]",
                required = true)
        @NotEmpty(message = "must name at least one scope")
        @Size(max = 3, message = "has at most three scopes")
        List<@Pattern(regexp = "read|write|admin", message = "must be read, write or admin") String> scopes,
        @Schema(description = "The only source values the key may write; absent or empty: any", example = "[\"crm\"]")
        @Size(max = 50, message = "has at most 50 sources")
        List<@Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,63}",
                message = "must be 1-64 lower-case letters, digits, '.', '_' or '-'") String> sources) {
}
