package dev.l2r.platform.rebuild;

/** The OpenAPI examples of a {@link RebuildStatus}, one text for both consumers' admin APIs. */
public final class RebuildExamples {

    public static final String RUNNING = """
            {"state":"RUNNING","reason":"requested over the API","phase":"starting","startedAt":"2025-04-01T08:00:00Z",
             "eventsRead":0,"unreadable":0,"leads":0}""";

    public static final String DONE = """
            {"state":"DONE","reason":"requested over the API","startedAt":"2025-04-01T08:00:00Z",
             "finishedAt":"2025-04-01T08:09:18Z","eventsTotal":4273437,"eventsRead":4273437,"unreadable":0,
             "leads":1000000,"eventsPerSecond":7663.9}""";

    private RebuildExamples() {
    }
}
