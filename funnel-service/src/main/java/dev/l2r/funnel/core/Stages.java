package dev.l2r.funnel.core;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which stage pairs the funnel measures, read from the funnel definition. */
public final class Stages {

    private Stages() {
    }

    /**
     * The stages a lead in {@code from} can go on to: later open stages, the won stage and the other terminal
     * stages. Terminal stages lead nowhere.
     */
    public static List<String> targets(FunnelDefinition funnel, String from) {
        if (funnel.isTerminal(from) || !funnel.contains(from)) {
            return List.of();
        }
        int rank = funnel.rank(from);
        List<String> targets = new ArrayList<>();
        for (StageDefinition s : funnel.stages()) {
            if (s.terminal() || funnel.rank(s.key()) > rank) {
                targets.add(s.key());
            }
        }
        return targets;
    }

    /** The stage after an open stage: the next open one, or the won stage after the last; none after a terminal. */
    public static Optional<String> next(FunnelDefinition funnel, String stage) {
        if (funnel.isTerminal(stage)) {
            return Optional.empty();
        }
        List<String> open = funnel.openStages();
        int i = open.indexOf(stage);
        return Optional.of(i + 1 < open.size() ? open.get(i + 1) : funnel.wonStage());
    }

    /** The pairs kept in pre-aggregated cells: a stage to its next stage, and to the won stage. */
    public static boolean isHot(FunnelDefinition funnel, String from, String to) {
        return to.equals(funnel.wonStage()) || next(funnel, from).map(to::equals).orElse(false);
    }

    /** For each stage, the targets that make a hot pair with it ({@link #isHot}), computed once per batch. */
    public static Map<String, Set<String>> hotTargets(FunnelDefinition funnel) {
        Map<String, Set<String>> hot = new HashMap<>();
        for (StageDefinition s : funnel.stages()) {
            for (String to : targets(funnel, s.key())) {
                if (isHot(funnel, s.key(), to)) {
                    hot.computeIfAbsent(s.key(), k -> new HashSet<>()).add(to);
                }
            }
        }
        return hot;
    }

    /** Whether {@code to} is a stage a lead in {@code from} can go on to. */
    public static boolean isTarget(FunnelDefinition funnel, String from, String to) {
        return targets(funnel, from).contains(to);
    }
}
