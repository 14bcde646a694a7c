package io.jenkins.plugins.slipway.runner.traffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Weight maths, pure: shares that always sum to exactly 100. */
public final class Weights {
    private Weights() {
    }

    /**
     * Percent per key proportional to {@code amounts} (largest-remainder rounding, so the sum is exactly 100).
     * Keys with amount 0 get 0; an all-zero input gives an empty map.
     */
    public static <K> Map<K, Integer> proportional(Map<K, Integer> amounts) {
        long total = amounts.values().stream().mapToLong(Integer::longValue).sum();
        Map<K, Integer> out = new LinkedHashMap<>();
        if (total <= 0) {
            return out;
        }
        List<Map.Entry<K, Double>> remainders = new ArrayList<>();
        int assigned = 0;
        for (Map.Entry<K, Integer> e : amounts.entrySet()) {
            double exact = e.getValue() * 100.0 / total;
            int floor = (int) Math.floor(exact);
            out.put(e.getKey(), floor);
            assigned += floor;
            remainders.add(Map.entry(e.getKey(), exact - floor));
        }
        remainders.sort(Map.Entry.<K, Double>comparingByValue(Comparator.reverseOrder()));
        for (int i = 0; assigned < 100; i++, assigned++) {
            K k = remainders.get(i % remainders.size()).getKey();
            out.merge(k, 1, Integer::sum);
        }
        return out;
    }

    /** "rev 4 0% / rev 5 100%", lowest revision first. */
    public static String describe(Map<Integer, Integer> weights) {
        StringJoiner j = new StringJoiner(" / ");
        new TreeMap<>(weights).forEach((rev, w) -> j.add("rev " + rev + " " + w + "%"));
        return j.length() == 0 ? "no revision" : j.toString();
    }
}
