package dev.sparx.examples.train;

import ai.djl.ndarray.NDArray;

/**
 * Cross-entropy against label-smoothed targets, as {@code torch.nn.CrossEntropyLoss(label_smoothing=s)}
 * (what the authors' training script uses) and timm's {@code LabelSmoothingCrossEntropy}: with K
 * classes, the target puts {@code 1 - s + s/K} on the true class and {@code s/K} on every other, so
 * the loss per sample is {@code (1 - s) * nll + s * mean_k(-log p_k)}; the batch loss is the mean.
 * With s = 0 it is the plain cross-entropy that validation reports.
 */
public final class LabelSmoothingCrossEntropy {

    private final double smoothing;

    /**
     * Creates the loss.
     *
     * @param smoothing s, in [0, 1)
     */
    public LabelSmoothingCrossEntropy(double smoothing) {
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new dev.sparx.core.SparxException("label smoothing must be in [0, 1), got " + smoothing);
        }
        this.smoothing = smoothing;
    }

    /**
     * The mean loss over a batch.
     *
     * @param logits (B, K) scores
     * @param labels (B) int64 class indices
     * @return a scalar, differentiable with respect to the logits
     */
    public NDArray loss(NDArray logits, NDArray labels) {
        int classes = (int) logits.getShape().get(1);
        NDArray logProbs = logits.logSoftmax(1);
        NDArray target = labels.oneHot(classes).muli(1 - smoothing).addi(smoothing / classes);
        return logProbs.mul(target).sum(new int[] {1}).neg().mean();
    }
}
