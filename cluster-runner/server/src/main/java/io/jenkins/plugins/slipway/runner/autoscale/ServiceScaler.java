package io.jenkins.plugins.slipway.runner.autoscale;

import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Kubernetes' HPA algorithm for one service, with the history it needs (the recommendations of the stabilization
 * windows and the scale changes of the step periods). Time is passed in, so the whole of it is tested without an
 * engine or a clock.
 * <ol>
 * <li>Per target: desired = ceil(ready × measured / target), or the current count when the ratio is within
 * {@link #TOLERANCE} of 1. The largest wins.</li>
 * <li>Stabilization: the count rises only to the lowest recommendation of the scale-up window and falls only to
 * the highest of the scale-down window (300 s by default, so a short dip does not stop replicas).</li>
 * <li>Steps: within a period the count moves at most by the step from the count at the period's start.</li>
 * <li>Clamped to min..max.</li>
 * </ol>
 */
public final class ServiceScaler {
    /** HPA's default: a ratio within 10% of the target changes nothing. */
    static final double TOLERANCE = 0.1;
    /** HPA's scale-up default when no step is given: 4 replicas or 100% per period, whichever is more. */
    private static final int DEFAULT_UP_REPLICAS = 4;
    private static final int DEFAULT_UP_PERCENT = 100;

    private final Autoscale policy;
    private final Deque<Timed> recommendations = new ArrayDeque<>();
    private final Deque<Timed> changes = new ArrayDeque<>();

    public ServiceScaler(Autoscale policy) {
        this.policy = policy;
    }

    /**
     * The scaler of the same service under {@code policy} from now on, with this one's history: as HPA's history
     * belongs to the Deployment and outlives its rollouts, a release (a new revision, the end of a canary, a changed
     * policy) does not forget the peak the scale-down window holds, and the count is not lowered at once after it.
     */
    public ServiceScaler continuing(Autoscale policy) {
        ServiceScaler next = new ServiceScaler(policy);
        next.recommendations.addAll(recommendations);
        next.changes.addAll(changes);
        return next;
    }

    public Autoscale policy() {
        return policy;
    }

    /**
     * A count set by hand ({@code POST /scale}, the CLI): kept as a recommendation of that moment, so the scale-down
     * window holds it for its length as it holds a measured peak, and the load takes over from it.
     */
    public void setByHand(long nowMillis, int count) {
        recommendations.addLast(new Timed(nowMillis, count));
    }

    /**
     * Decides the count at {@code nowMillis}.
     *
     * @param current  replicas the service is set to have
     * @param ready    replicas that serve now; the measures are divided among them
     * @param measures one per target of the policy; none when nothing could be measured (the count is kept)
     */
    public Decision decide(long nowMillis, int current, int ready, List<Measurement> measures) {
        if (measures.isEmpty()) {
            return new Decision(current, current, current, null, null);
        }
        Measurement reason = null;
        int recommended = -1;
        for (Measurement m : measures) {
            int proposal = proposal(m, current, ready);
            if (proposal > recommended) {
                recommended = proposal;
                reason = m;
            }
        }
        recommendations.addLast(new Timed(nowMillis, recommended));
        long keep = Math.max(policy.scaleUp().stabilizationWindow().toMillis(),
                policy.scaleDown().stabilizationWindow().toMillis());
        while (recommendations.getFirst().at < nowMillis - keep) {
            recommendations.removeFirst();
        }
        String limitedBy = null;
        int next = current;
        int upTo = extreme(nowMillis, policy.scaleUp().stabilizationWindow().toMillis(), false);
        int downTo = extreme(nowMillis, policy.scaleDown().stabilizationWindow().toMillis(), true);
        if (upTo > current) {
            next = upTo;
        } else if (downTo < current) {
            next = downTo;
        }
        if (next != recommended) {
            limitedBy = next > recommended ? "scaleDown stabilizationWindow" : "scaleUp stabilizationWindow";
        }
        if (next > current) {
            int limit = upLimit(nowMillis, current);
            if (next > limit) {
                next = limit;
                limitedBy = "scaleUp step";
            }
        } else if (next < current) {
            int limit = downLimit(nowMillis, current);
            if (next < limit) {
                next = limit;
                limitedBy = "scaleDown step";
            }
        }
        if (next > policy.max()) {
            next = policy.max();
            limitedBy = "max " + policy.max();
        } else if (next < policy.floor()) {
            next = policy.floor();
            limitedBy = "min " + policy.floor();
        }
        if (next != current) {
            changes.addLast(new Timed(nowMillis, next - current));
        }
        long period = Math.max(policy.scaleUp().period().toMillis(), policy.scaleDown().period().toMillis());
        while (!changes.isEmpty() && changes.getFirst().at <= nowMillis - period) {
            changes.removeFirst();
        }
        return new Decision(current, next, recommended, reason, next == recommended ? null : limitedBy);
    }

    /** What one target asks for. A measure within the tolerance asks for no change at all. */
    static int proposal(Measurement m, int current, int ready) {
        double ratio = m.ratio();
        if (Math.abs(ratio - 1) <= TOLERANCE) {
            return current;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.ceil(ready * ratio - 1e-9));
    }

    /** The lowest (scale-up) or highest (scale-down) recommendation of the last {@code windowMillis}. */
    private int extreme(long nowMillis, long windowMillis, boolean highest) {
        Comparator<Integer> order = Comparator.naturalOrder();
        return recommendations.stream().filter(r -> r.at >= nowMillis - windowMillis).map(r -> r.replicas)
                .max(highest ? order : order.reversed()).orElseThrow();
    }

    /** The most replicas the scale-up step allows now: the count at the period's start plus the step. */
    private int upLimit(long nowMillis, int current) {
        Autoscale.Behavior up = policy.scaleUp();
        int start = current - changesWithin(nowMillis, up.period().toMillis(), true);
        Autoscale.Step step = up.step();
        if (step == null) {
            return Math.max(start + DEFAULT_UP_REPLICAS, grown(start, DEFAULT_UP_PERCENT));
        }
        return step.percent() > 0 ? grown(start, step.percent()) : start + step.replicas();
    }

    /** The fewest replicas the scale-down step allows now. */
    private int downLimit(long nowMillis, int current) {
        Autoscale.Behavior down = policy.scaleDown();
        int start = current - changesWithin(nowMillis, down.period().toMillis(), false);
        Autoscale.Step step = down.step();
        int limit = step.percent() > 0 ? (int) Math.ceil(start * (1 - step.percent() / 100.0))
                : start - step.replicas();
        return Math.max(0, limit);
    }

    /** A count grown by {@code percent}; at least one more, so that 100% of 0 is not stuck. */
    private static int grown(int start, int percent) {
        return Math.max(start + 1, (int) Math.ceil(start * (1 + percent / 100.0)));
    }

    /** Sum of the rises (or falls, negative) of the last {@code periodMillis}. */
    private int changesWithin(long nowMillis, long periodMillis, boolean rises) {
        return changes.stream().filter(c -> c.at > nowMillis - periodMillis)
                .filter(c -> rises ? c.replicas > 0 : c.replicas < 0).mapToInt(c -> c.replicas).sum();
    }

    private record Timed(long at, int replicas) {
    }
}
