package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;

/**
 * One batch of a rolling release of one service: afterwards {@code newTarget} replicas of {@code toRevision}
 * serve and {@code oldTarget} of {@code fromRevision} are left.
 *
 * @param fromRevision the service revision being replaced; null for a service new in this revision
 * @param toRevision   the service revision coming in; null for a service removed in this revision
 */
public record RollingStep(String service, Integer fromRevision, Integer toRevision, int newTarget, int oldTarget,
                          Order order) {

    /** "start 3 replicas of web at revision 5", for StepStarted messages. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (toRevision != null && newTarget > 0) {
            b.append("start ").append(newTarget).append(newTarget == 1 ? " replica" : " replicas")
                    .append(" of ").append(service).append(" at revision ").append(toRevision);
        }
        if (fromRevision != null) {
            if (b.length() > 0) {
                b.append(order == Order.STOP_FIRST ? " after " : ", then ");
            }
            b.append(oldTarget == 0 ? "stop all of " + service + " at revision " + fromRevision
                    : "leave " + oldTarget + " of " + service + " at revision " + fromRevision);
        }
        return b.toString();
    }
}
