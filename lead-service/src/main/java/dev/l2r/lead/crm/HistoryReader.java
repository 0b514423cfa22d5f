package dev.l2r.lead.crm;

import dev.l2r.lead.webhook.WebhookItems;

import java.time.Instant;

/**
 * One vendor's stage history, read a page at a time through its REST API. A page is read from a position (a
 * phase, such as deals or contacts, and the vendor's cursor inside it; null: its start) and answers the position
 * of the next page; its stage changes, and the values no mapping knows (parked), go into {@code items}.
 */
interface HistoryReader {

    /** The source of what it records, and of the webhooks of the same vendor ({@code hubspot}...). */
    String source();

    /** The phase an import starts with. */
    String firstPhase();

    /** Where the next page is: {@code phase} null when this page was the last one. */
    record Next(int records, String phase, String cursor) {
        static Next done(int records) {
            return new Next(records, null, null);
        }
    }

    /** Reads one page; {@code since} (may be null) leaves out changes that happened before it. */
    Next read(String phase, String cursor, Instant since, WebhookItems items);
}
