package dev.sparx.examples.train;

import dev.sparx.core.SparxException;
import java.nio.file.Path;

/**
 * The hyper-parameters of a training run, with timm's meaning. Defaults follow the authors'
 * training script where it sets them (AdamW, weight decay 0.05, label smoothing 0.1, warm-up from
 * 1e-6, floor 1e-5), except that the schedule steps per iteration.
 *
 * @param epochs number of epochs
 * @param batchSize B
 * @param lr peak learning rate
 * @param weightDecay AdamW decay of the decayed group
 * @param warmupEpochs epochs of linear warm-up (converted to steps)
 * @param warmupLr learning rate at step 0
 * @param minLr floor of the cosine
 * @param labelSmoothing s of the training loss
 * @param clipGrad largest global gradient norm; 0 for no clipping
 * @param emaDecay model EMA decay; 0 for no EMA
 * @param seed the run's seed: shuffling, augmentation and drop path derive from it
 * @param workers data loading threads
 * @param output folder for checkpoints, metrics and the plot
 * @param progress whether to draw progress bars on stderr
 */
public record TrainingOptions(
        int epochs,
        int batchSize,
        double lr,
        double weightDecay,
        double warmupEpochs,
        double warmupLr,
        double minLr,
        double labelSmoothing,
        double clipGrad,
        double emaDecay,
        long seed,
        int workers,
        Path output,
        boolean progress) {

    /** torch's AdamW beta1. */
    public static final double BETA1 = 0.9;
    /** torch's AdamW beta2. */
    public static final double BETA2 = 0.999;
    /** torch's AdamW eps. */
    public static final double EPS = 1e-8;

    /**
     * Checks ranges.
     *
     * @throws SparxException naming the first option out of range
     */
    public TrainingOptions {
        require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        require(batchSize >= 1, "-b/--batch-size must be at least 1, got " + batchSize);
        require(lr > 0, "--lr must be positive, got " + lr);
        require(weightDecay >= 0, "--weight-decay must not be negative, got " + weightDecay);
        require(warmupEpochs >= 0 && warmupEpochs < epochs,
                "--warmup-epochs must be in [0, epochs), got " + warmupEpochs);
        require(clipGrad >= 0, "--clip-grad must not be negative, got " + clipGrad);
        require(emaDecay == 0 || (emaDecay > 0 && emaDecay < 1), "--model-ema-decay must be in (0, 1), got " + emaDecay);
        require(workers >= 1, "--workers must be at least 1, got " + workers);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new SparxException(message);
        }
    }
}
