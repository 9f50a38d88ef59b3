package dev.sparx.examples.train;

import dev.sparx.core.SparxException;

/**
 * The learning rate per optimiser step: timm's {@code CosineLRScheduler} stepped per iteration
 * ({@code t_in_epochs=False}, one cycle, no warm-up prefix, no noise), which is what timm's
 * {@code create_scheduler_v2(..., step_on_epochs=False)} builds. With T total steps, W warm-up
 * steps, base rate {@code lr}, warm-up start {@code lr_w} and floor {@code lr_min}, step t (0-based)
 * uses
 *
 * <pre>
 *   t &lt; W:       lr_w + t * (lr - lr_w) / W
 *   W &lt;= t &lt; T:  lr_min + (lr - lr_min) * (1 + cos(pi * t / T)) / 2
 *   t &gt;= T:      lr_min
 * </pre>
 *
 * The cosine runs over all T steps, warm-up included, so the rate right after warm-up is already
 * slightly below {@code lr}, exactly as in timm.
 *
 * @param baseLr the peak rate {@code lr}
 * @param warmupLr the rate at step 0 {@code lr_w}
 * @param minLr the floor {@code lr_min}
 * @param warmupSteps W
 * @param totalSteps T
 */
public record CosineSchedule(double baseLr, double warmupLr, double minLr, long warmupSteps, long totalSteps) {

    /**
     * Checks the arguments.
     *
     * @throws SparxException if a step count is negative or the warm-up is not shorter than the run
     */
    public CosineSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new SparxException(
                    "schedule needs 0 <= warm-up steps < total steps, got " + warmupSteps + " and " + totalSteps);
        }
    }

    /**
     * The rate at one step.
     *
     * @param step global optimiser step t, from 0
     * @return its learning rate
     */
    public double lr(long step) {
        if (step < warmupSteps) {
            // timm: warmup_lr_init + t * ((v - warmup_lr_init) / warmup_t), in that order
            return warmupLr + step * ((baseLr - warmupLr) / warmupSteps);
        }
        if (step >= totalSteps) {
            return minLr;
        }
        return minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * step / totalSteps));
    }
}
