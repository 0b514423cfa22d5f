package dev.l2r.tools.demo;

import java.math.BigDecimal;
import java.util.List;

/** One generated lead: who it is, what its deal is worth, and its stage changes in event-time order. */
public record DemoLead(String id, String channel, String segment, String owner, String campaign, BigDecimal dealSize,
                       List<DemoEvent> events) {

    public DemoLead {
        events = List.copyOf(events);
    }

    /** The stage the lead is in at the end of the history. */
    public String stage() {
        return events.get(events.size() - 1).toStage();
    }

    public DemoEvent last() {
        return events.get(events.size() - 1);
    }
}
