package io.mongonats.connector.readmodel;

import io.mongonats.connector.readmodel.BatchPlan.Step;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a plan's passes against the target and judges every message. A write that is done settles its messages; one
 * that failed blocks the document's later steps and has its message retried, or dead-lettered once it has been
 * delivered {@code maxDeliver} times. Superseded messages are only retried: on their next delivery they are
 * applied on their own if the newer change is the one at fault.
 */
public final class BatchApplier {

    private final TargetStore target;
    private final int maxDeliver;
    private final RetryDelays delays;

    public BatchApplier(TargetStore target, int maxDeliver, RetryDelays delays) {
        this.target = target;
        this.maxDeliver = maxDeliver;
        this.delays = delays;
    }

    public List<Decision> apply(BatchPlan plan) throws SinkUnavailableException, InterruptedException {
        List<Decision> decisions = new ArrayList<>(plan.settled());
        Set<BsonValue> blocked = new HashSet<>();
        for (List<Step> pass : plan.passes()) {
            List<Step> runnable = new ArrayList<>();
            for (Step step : pass) {
                if (blocked.contains(step.write().key())) {
                    retry(step.message(), decisions);
                    step.superseded().forEach(message -> retry(message, decisions));
                } else {
                    runnable.add(step);
                }
            }
            if (runnable.isEmpty()) {
                continue;
            }
            List<WriteResult> results = target.apply(runnable.stream().map(Step::write).toList());
            for (int i = 0; i < runnable.size(); i++) {
                Step step = runnable.get(i);
                if (!judge(step, results.get(i), decisions)) {
                    blocked.add(step.write().key());
                }
            }
        }
        return decisions;
    }

    /** Returns whether the write is done. */
    private boolean judge(Step step, WriteResult result, List<Decision> decisions) {
        if (result.done()) {
            Outcome outcome = result.kind() == WriteResult.Kind.APPLIED ? Outcome.APPLIED : Outcome.STALE;
            decisions.add(new Decision(step.message(), new Verdict.Ack(outcome)));
            step.superseded().forEach(message -> decisions.add(new Decision(message, new Verdict.Ack(Outcome.SUPERSEDED))));
            return true;
        }
        InboundMessage message = step.message();
        if (message.deliveries() >= maxDeliver) {
            decisions.add(new Decision(message, new Verdict.DeadLetter(result.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " after " + message.deliveries() + " deliveries: " + result.error())));
        } else {
            retry(message, decisions);
        }
        step.superseded().forEach(superseded -> retry(superseded, decisions));
        return false;
    }

    private void retry(InboundMessage message, List<Decision> decisions) {
        decisions.add(new Decision(message, new Verdict.Nak(delays.afterDelivery(message.deliveries()))));
    }
}
