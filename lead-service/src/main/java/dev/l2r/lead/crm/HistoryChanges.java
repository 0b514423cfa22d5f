package dev.l2r.lead.crm;

import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.webhook.Signatures;
import dev.l2r.lead.webhook.WebhookFields;
import dev.l2r.lead.webhook.WebhookItems;
import dev.l2r.lead.webhook.WebhookSupport;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How a historical stage value becomes a change: through the same mappings, lead ids, checks and parking as the
 * vendor's webhooks, in event time, with a source event id of its own.
 *
 * <p>Source event ids start with {@code history:} and name the vendor's own record of the change (Salesforce's
 * history row id, Pipedrive's change log id, HubSpot's object, property, time and value), so an import run again is
 * all duplicates, and no webhook's id (none starts so) is ever taken for an imported one. A webhook delivery of a
 * change imported before is not a duplicate by id, but it changes nothing: the same stage at the same time is not
 * kept again, and at a later time it is no move (the lead is in that stage already), kept dormant.
 */
final class HistoryChanges {

    static final String PREFIX = "history:";

    private final WebhookSupport support;
    private final String source;

    HistoryChanges(WebhookSupport support, String source) {
        this.support = support;
        this.source = source;
    }

    /** The mapping of a value; empty: park it. */
    Optional<SourceMapping> mapping(String field, String value) {
        return support.mapping(source, field, value);
    }

    String leadId(String id, String path) {
        return support.leadId(source, id, path);
    }

    WebhookSupport.Money money(BigDecimal amount, String amountPath, String currency, String currencyPath) {
        return support.money(amount, amountPath, currency, currencyPath);
    }

    Optional<String> setting(String key) {
        return support.setting(source, key);
    }

    Optional<String> lostStage() {
        return support.lostStage();
    }

    /** A source event id of the import, {@code history:} + the parts, kept within 200 characters. */
    static String sourceEventId(String... parts) {
        String id = PREFIX + String.join(":", parts);
        if (id.length() <= WebhookFields.MAX_LENGTH) {
            return id;
        }
        return PREFIX + "sha256:" + Signatures.hex(Signatures.sha256(Signatures.utf8(id)));
    }

    /**
     * Records (or parks, when {@code mapping} is empty; ignores, when it maps to no stage) one historical value.
     * An item the checks refuse is refused on its own, naming {@code path}.
     */
    void add(WebhookItems items, String leadId, String field, String value, Optional<SourceMapping> mapping,
             Instant at, String sourceEventId, WebhookSupport.Money money, String owner, String path,
             StageChange.Mode mode) {
        if (mapping.isPresent() && mapping.get().stage() == null) {
            items.ignore();
            return;
        }
        try {
            SourceMapping m = mapping.orElse(new SourceMapping(source, field, value, null));
            StageChange change = support.change(source, leadId, m, value, support.plausible(path, at), sourceEventId,
                    money == null ? null : money.amount(), money == null ? null : money.currency(),
                    new LeadAttributes(null, null, owner, null)).withMode(mode);
            items.changeOrPark(change, field, value, path);
        } catch (RejectedInput e) {
            items.refuse(e);
        }
    }

    /** Values of one property over time; {@link #at} the one in force at a moment. */
    static final class Timeline<T> {
        private record Entry<T>(Instant at, T value) {
        }

        private final List<Entry<T>> entries = new ArrayList<>();
        private final T initial;

        Timeline(T initial) {
            this.initial = initial;
        }

        void add(Instant at, T value) {
            entries.add(new Entry<>(at, value));
        }

        /** The latest value set at or before {@code at}; the initial value when none was. */
        T at(Instant at) {
            entries.sort(Comparator.comparing(Entry::at));
            T value = initial;
            for (Entry<T> e : entries) {
                if (e.at().isAfter(at)) {
                    break;
                }
                value = e.value();
            }
            return value;
        }
    }
}
