package dev.l2r.platform.consume;

import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The one rule of merging, as the live consumers and a rebuild apply it. */
class AliasMapTest {

    @Test
    void chainsCollapseWhicheverMergeArrivesFirst() {
        // B merged into A, then A into C (lead-service publishes the second keyed by C, perhaps on another partition)
        AliasMap inOrder = new AliasMap();
        assertThat(inOrder.merge("A", "B")).isEqualTo(new AliasMap.Merge("A", "B"));
        assertThat(inOrder.merge("C", "A")).isEqualTo(new AliasMap.Merge("C", "A"));
        assertThat(inOrder.aliases()).isEqualTo(Map.of("A", "C", "B", "C"));

        AliasMap reversed = new AliasMap();
        assertThat(reversed.merge("C", "A")).isEqualTo(new AliasMap.Merge("C", "A"));
        // A now counts for C: B's events go to C directly
        assertThat(reversed.merge("A", "B")).isEqualTo(new AliasMap.Merge("C", "B"));
        assertThat(reversed.aliases()).isEqualTo(inOrder.aliases());
    }

    @Test
    void aMergeOfIdsThatAlreadyCountForOneLeadChangesNothing() {
        AliasMap map = new AliasMap(Map.of("B", "A"));
        assertThat(map.merge("A", "B")).isNull();
        assertThat(map.merge("B", "A")).isNull();
        assertThat(map.aliases()).isEqualTo(Map.of("B", "A"));
        assertThat(map.resolve("B")).isEqualTo("A");
        assertThat(map.resolve("X")).isEqualTo("X");
    }

    @Test
    void forgettingALeadDropsEveryAliasOfIt() {
        AliasMap map = new AliasMap(Map.of("B", "A", "C", "A", "E", "D"));
        assertThat(map.forget("A")).containsExactlyInAnyOrder("B", "C");
        assertThat(map.aliases()).isEqualTo(Map.of("E", "D"));
        assertThat(map.resolve("B")).isEqualTo("B");
    }

    /**
     * Merges as lead-service makes them (an id absorbed at most once, a survivor never an absorbed id at the time):
     * any order of applying them gives the same aliases, each id counting for the one id of its group never absorbed.
     */
    @Test
    void theEndResultDoesNotDependOnTheOrderOfTheMerges() {
        Tries.forAll(300, AliasMapTest::lineage, merges -> {
            AliasMap reference = new AliasMap();
            merges.forEach(m -> reference.merge(m.get(0), m.get(1)));
            List<List<String>> shuffled = new ArrayList<>(merges);
            Collections.shuffle(shuffled, new Random(merges.hashCode()));
            AliasMap other = new AliasMap();
            shuffled.forEach(m -> other.merge(m.get(0), m.get(1)));
            assertThat(other.aliases()).as("merges %s applied as %s", merges, shuffled)
                    .isEqualTo(reference.aliases());
            Map<String, String> roots = new HashMap<>();
            for (List<String> m : merges) {
                assertThat(other.resolve(m.get(1))).isNotEqualTo(m.get(1));
                roots.put(m.get(1), other.resolve(m.get(1)));
            }
            roots.values().forEach(root -> assertThat(other.aliases()).doesNotContainKey(root));
        });
    }

    /** Merges of up to 12 leads in the order lead-service would make them: [survivor, absorbed]. */
    static List<List<String>> lineage(Random random) {
        int n = 2 + random.nextInt(11);
        AliasMap truth = new AliasMap();
        List<List<String>> merges = new ArrayList<>();
        for (int i = 0; i < n * 2; i++) {
            String a = "L" + random.nextInt(n);
            String b = "L" + random.nextInt(n);
            String survivor = truth.resolve(a);
            String absorbed = truth.resolve(b);
            if (!survivor.equals(absorbed)) {
                truth.merge(survivor, absorbed);
                merges.add(List.of(survivor, absorbed));
            }
        }
        return merges;
    }
}
