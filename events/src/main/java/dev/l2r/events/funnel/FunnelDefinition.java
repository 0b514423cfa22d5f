package dev.l2r.events.funnel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static dev.l2r.events.TransitionKind.ADVANCE;
import static dev.l2r.events.TransitionKind.CLOSE;
import static dev.l2r.events.TransitionKind.RECYCLE;
import static dev.l2r.events.TransitionKind.SKIP;

/**
 * The ordered funnel stages and the rules that read a stage change against them.
 *
 * <p>Open (non-terminal) stages form one line in the listed order. Terminal stages are alternatives that all
 * come after the last open stage. Moving forward over open stages passes through them (a skip); so does
 * winning, because a won deal went through the whole pipeline. Losing or ending without decision does not: a
 * lead disqualified at MQL never was an opportunity.
 */
public final class FunnelDefinition {

    public static final String ANONYMOUS = "ANONYMOUS";
    public static final String KNOWN = "KNOWN";
    public static final String ENGAGED = "ENGAGED";
    public static final String MQL = "MQL";
    public static final String SAL = "SAL";
    public static final String SQL = "SQL";
    public static final String OPPORTUNITY = "OPPORTUNITY";
    public static final String CLOSED_WON = "CLOSED_WON";
    public static final String CLOSED_LOST = "CLOSED_LOST";
    public static final String NO_DECISION = "NO_DECISION";

    private static final FunnelDefinition CANONICAL = new FunnelDefinition(List.of(
            StageDefinition.open(ANONYMOUS, "activity tracked, identity unknown", "first tracked visit"),
            StageDefinition.open(KNOWN, "email known, no engagement yet", "identity captured"),
            StageDefinition.open(ENGAGED, "responded to a program (download, webinar, event...)", "first response"),
            StageDefinition.open(MQL, "marketing-qualified: reached the agreed lead-score threshold",
                    "score threshold / tool says MQL"),
            StageDefinition.open(SAL, "sales-accepted: sales scheduled a meeting", "meeting booked"),
            StageDefinition.open(SQL, "sales-qualified: meeting held, real potential", "meeting outcome"),
            StageDefinition.open(OPPORTUNITY, "budget, authority, need, timeline defined (BANT)", "opportunity created"),
            StageDefinition.terminal(CLOSED_WON, "deal won", StageOutcome.WON),
            StageDefinition.terminal(CLOSED_LOST, "deal lost", StageOutcome.LOST),
            StageDefinition.terminal(NO_DECISION, "closed without a decision", StageOutcome.NO_DECISION)));

    private final List<StageDefinition> stages;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> openStages;
    /** {@link #rank} of every stage, computed once: the funnel's projections ask for it per stage entry. */
    private final Map<String, Integer> ranks = new HashMap<>();

    @JsonCreator
    public FunnelDefinition(@JsonProperty("stages") List<StageDefinition> stages) {
        this.stages = stages == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(stages));
        List<String> open = new ArrayList<>();
        for (int i = 0; i < this.stages.size(); i++) {
            StageDefinition stage = this.stages.get(i);
            // a repeated key is a problem (problems()); until refused it reads as its first definition
            if (stage != null && stage.key() != null && index.putIfAbsent(stage.key(), i) == null
                    && !stage.terminal()) {
                open.add(stage.key());
            }
        }
        this.openStages = List.copyOf(open);
        index.forEach((key, i) -> ranks.put(key, computeRank(this.stages.get(i))));
    }

    @JsonProperty("stages")
    public List<StageDefinition> stages() {
        return stages;
    }

    /** The default funnel (docs/architecture.md, "The funnel"). */
    public static FunnelDefinition canonical() {
        return CANONICAL;
    }

    /** Everything wrong with this definition, each naming the offending field; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (stages.isEmpty()) {
            problems.add("stages: at least one open and one won stage are required");
            return problems;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < stages.size(); i++) {
            StageDefinition stage = stages.get(i);
            String field = "stages[" + i + "]";
            if (stage == null || stage.key() == null || !stage.key().matches("[A-Z][A-Z0-9_]{0,39}")) {
                problems.add(field + ".key: must be 1-40 upper-case letters, digits or underscores, starting with a letter");
                continue;
            }
            if (!seen.add(stage.key())) {
                problems.add(field + ".key: duplicate stage " + stage.key());
            }
            if (stage.terminal() == (stage.outcome() == StageOutcome.OPEN)) {
                problems.add(field + ".outcome: terminal stages need WON, LOST or NO_DECISION; open stages need OPEN");
            }
        }
        if (stages.stream().noneMatch(s -> s != null && !s.terminal())) {
            problems.add("stages: at least one open (non-terminal) stage is required");
        }
        if (stages.stream().filter(s -> s != null && s.won()).count() != 1) {
            problems.add("stages: exactly one stage must have outcome WON");
        }
        return problems;
    }

    public boolean contains(String key) {
        return index.containsKey(key);
    }

    public Optional<StageDefinition> stage(String key) {
        Integer i = key == null ? null : index.get(key);
        return i == null ? Optional.empty() : Optional.of(stages.get(i));
    }

    /** Open stages in funnel order. */
    @JsonIgnore
    public List<String> openStages() {
        return openStages;
    }

    @JsonIgnore
    public String wonStage() {
        return stages.stream().filter(StageDefinition::won).map(StageDefinition::key).findFirst().orElseThrow();
    }

    public boolean isTerminal(String key) {
        return stage(key).map(StageDefinition::terminal).orElse(false);
    }

    public boolean isWon(String key) {
        return stage(key).map(StageDefinition::won).orElse(false);
    }

    /**
     * Position on the funnel line: open stages count 0, 1, 2...; the won stage comes after all of them; lost
     * and no-decision stages have no position (-1), as they are not "further" than any stage.
     */
    public int rank(String key) {
        Integer rank = key == null ? null : ranks.get(key);
        if (rank == null) {
            throw new IllegalArgumentException("unknown stage " + key);
        }
        return rank;
    }

    private int computeRank(StageDefinition stage) {
        if (!stage.terminal()) {
            return openStages.indexOf(stage.key());
        }
        return stage.won() ? openStages.size() : -1;
    }

    /** Whether having entered {@code reached} means having reached {@code target} or a stage after it. */
    public boolean isAtOrBeyond(String reached, String target) {
        if (reached.equals(target)) {
            return true;
        }
        int targetRank = rank(target);
        return targetRank >= 0 && !isTerminal(target) && rank(reached) > targetRank;
    }

    /**
     * How a move from {@code from} (null for a first sighting) to {@code to} is classified; empty when it is no
     * move at all (the lead is already there).
     */
    public Optional<StageMove> classify(String from, String to) {
        if (to.equals(from)) {
            return Optional.empty();
        }
        if (from == null) {
            return Optional.of(new StageMove(ADVANCE, List.of()));
        }
        List<String> open = openStages;
        boolean fromTerminal = isTerminal(from);
        if (isTerminal(to)) {
            List<String> passed = !fromTerminal && isWon(to)
                    ? open.subList(open.indexOf(from) + 1, open.size())
                    : List.of();
            return Optional.of(new StageMove(CLOSE, passed));
        }
        if (fromTerminal) {
            return Optional.of(new StageMove(RECYCLE, List.of()));
        }
        int fromRank = open.indexOf(from);
        int toRank = open.indexOf(to);
        if (toRank < fromRank) {
            return Optional.of(new StageMove(RECYCLE, List.of()));
        }
        List<String> between = open.subList(fromRank + 1, toRank);
        return Optional.of(new StageMove(between.isEmpty() ? ADVANCE : SKIP, between));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FunnelDefinition that && stages.equals(that.stages);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stages);
    }

    @Override
    public String toString() {
        return "FunnelDefinition" + stages;
    }
}
