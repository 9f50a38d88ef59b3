package dev.sparx.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.sparx.examples.data.BatchLoader;
import java.nio.FloatBuffer;
import java.util.Iterator;

/**
 * Top-1 and top-5 accuracy (in percent, as timm reports them) and mean cross-entropy of a model
 * over a data set. With fewer than five classes, "top-5" is top-K over all K classes, as timm's
 * {@code accuracy(output, target, topk=(1, min(5, K)))}.
 *
 * @param images number of images evaluated
 * @param top1 percentage whose best class is the label
 * @param top5 percentage whose label is among the five best classes
 * @param loss mean cross-entropy (no smoothing)
 */
public record Accuracy(long images, double top1, double top5, double loss) {

    /**
     * Evaluates a block in inference mode (BatchNorm on running statistics, no drop path).
     *
     * @param block the model
     * @param store where the block reads its parameters (the live ones, or the EMA's)
     * @param batches the evaluation batches
     * @param manager parent of the per-batch arrays
     * @return the accuracy
     */
    public static Accuracy evaluate(
            Block block, ParameterStore store, Iterator<BatchLoader.Batch> batches, NDManager manager) {
        LabelSmoothingCrossEntropy ce = new LabelSmoothingCrossEntropy(0);
        long n = 0;
        long hit1 = 0;
        long hit5 = 0;
        double lossSum = 0;
        while (batches.hasNext()) {
            BatchLoader.Batch b = batches.next();
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(FloatBuffer.wrap(b.pixels()), new Shape(b.shape()));
                NDArray y = scope.create(b.labels());
                NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
                lossSum += ce.loss(logits, y).getFloat() * b.size();
                int k = (int) Math.min(5, logits.getShape().get(1));
                long[] order = logits.argSort(1, false).toLongArray();
                int classes = (int) logits.getShape().get(1);
                for (int i = 0; i < b.size(); i++) {
                    for (int j = 0; j < k; j++) {
                        if (order[i * classes + j] == b.labels()[i]) {
                            hit1 += j == 0 ? 1 : 0;
                            hit5++;
                            break;
                        }
                    }
                }
                n += b.size();
            }
        }
        return new Accuracy(n, 100.0 * hit1 / n, 100.0 * hit5 / n, lossSum / n);
    }
}
