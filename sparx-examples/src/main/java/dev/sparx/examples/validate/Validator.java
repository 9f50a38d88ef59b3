package dev.sparx.examples.validate;

import dev.sparx.core.SparxException;
import dev.sparx.core.image.ImageDecodeException;
import dev.sparx.examples.data.BatchLoader;
import dev.sparx.examples.data.LabelledImages;
import java.util.Iterator;

/**
 * timm's validation loop: every image through the model in inference mode, top-1, top-5 and
 * mean cross-entropy over all of them. Batches are decoded and preprocessed on the loader's
 * worker threads while the model runs, and arrive in order.
 */
public final class Validator {

    /**
     * Sees the run as it goes, batch by batch in data-set order: a batch's skipped images first,
     * then its predictions in order, then its progress. Every method does nothing unless overridden.
     */
    public interface Observer {
        /**
         * An image was left out.
         *
         * @param error why it could not be decoded; names the file
         */
        default void skipped(ImageDecodeException error) {}

        /**
         * An image was evaluated.
         *
         * @param prediction the model's answer
         */
        default void predicted(Prediction prediction) {}

        /**
         * A batch is done.
         *
         * @param done images handled so far, skipped ones included
         * @param top1 running top-1 in percent over the images evaluated so far
         */
        default void progress(long done, double top1) {}
    }

    /** Top-k that is reported, as timm's {@code accuracy(topk=(1, 5))}. */
    public static final int TOP_K = 5;

    private final Classifier model;

    /**
     * Creates the loop.
     *
     * @param model the classifier
     */
    public Validator(Classifier model) {
        this.model = model;
    }

    /**
     * Validates.
     *
     * @param loader batches of the data set, with the evaluation transform
     * @param order the data set's indices to evaluate, in order
     * @param observer sees every prediction and skipped image
     * @return the metrics
     * @throws SparxException if no image could be decoded, or (without skipping) one could not
     */
    public ValidationResult run(BatchLoader<?> loader, int[] order, Observer observer) {
        LabelledImages<?> data = loader.data();
        int classes = model.numClasses();
        long start = System.nanoTime();
        long images = 0;
        long skipped = 0;
        long hits1 = 0;
        long hits5 = 0;
        double lossSum = 0;
        long waitNanos = 0;
        Iterator<BatchLoader.Batch> batches = loader.epoch(order, false, 0L);
        while (batches.hasNext()) {
            long t0 = System.nanoTime();
            BatchLoader.Batch batch = batches.next();
            waitNanos += System.nanoTime() - t0;
            for (ImageDecodeException e : batch.skipped()) {
                observer.skipped(e);
            }
            skipped += batch.skipped().size();
            if (batch.size() > 0) {
                float[] logits = model.logits(batch.pixels(), batch.shape());
                for (int i = 0; i < batch.size(); i++) {
                    ClassScores scores = new ClassScores(logits, i, classes);
                    int target = (int) batch.labels()[i];
                    int[] top = scores.top(TOP_K);
                    double loss = scores.crossEntropy(target);
                    hits1 += top[0] == target ? 1 : 0;
                    hits5 += contains(top, target) ? 1 : 0;
                    lossSum += loss;
                    observer.predicted(new Prediction(data.name(batch.indices()[i]), target, top, loss));
                }
                images += batch.size();
            }
            observer.progress(images + skipped, images == 0 ? 0 : 100.0 * hits1 / images);
        }
        if (images == 0) {
            throw new SparxException(
                    "none of the " + skipped + " images could be decoded; nothing was evaluated");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new ValidationResult(images, skipped, 100.0 * hits1 / images, 100.0 * hits5 / images,
                lossSum / images, seconds, waitNanos / 1e9);
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
