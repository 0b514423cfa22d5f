package dev.l2r.forecast.revenuetargets;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A revenue target: {@code amount} to win from {@code from} to {@code to} (both dates included), for everybody or
 * for one {@code owner} or one {@code segment}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Target(
        @NotNull LocalDate from,
        @NotNull LocalDate to,
        @Size(min = 1, max = 200) String owner,
        @Size(min = 1, max = 200) String segment,
        @NotNull @DecimalMin("0") @Digits(integer = 15, fraction = 6,
                message = "must have at most 15 digits before the decimal point and 6 after") BigDecimal amount,
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") String currency) {
}
