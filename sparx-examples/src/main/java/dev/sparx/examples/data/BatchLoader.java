package dev.sparx.examples.data;

import dev.sparx.core.SparxException;
import dev.sparx.core.image.ImageDecodeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads and transforms samples into batches on worker threads, ahead of the model. Batches come
 * out in order; {@code workers + 1} are in flight at most, so memory stays bounded. Sample
 * {@code i} of an epoch's order draws its augmentation from {@code Seeds.random(seed, i)}, so a
 * batch's contents depend only on the order and the seed, never on thread timing.
 *
 * <p>A sample that fails to load is an error, unless the loader was made to skip undecodable
 * images: then a sample whose loading throws {@link ImageDecodeException} is left out of its batch
 * and reported in {@link Batch#skipped()} (a batch may then be smaller than B, or empty).
 *
 * @param <T> the sample type of the data set
 */
public final class BatchLoader<T> implements AutoCloseable {

    /**
     * One batch: inputs (B, C, H, W) as floats in row-major order, and labels (B).
     *
     * @param pixels B*C*H*W floats
     * @param labels B class indices
     * @param indices the data set index of each sample
     * @param shape {B, C, H, W}
     * @param skipped the samples of this batch's share of the order that were left out because
     *     they could not be decoded, in order
     */
    public record Batch(
            float[] pixels, long[] labels, int[] indices, long[] shape, List<ImageDecodeException> skipped) {

        /** @return the number of samples B */
        public int size() {
            return labels.length;
        }
    }

    private static final AtomicInteger POOL_ID = new AtomicInteger();

    private final LabelledImages<T> data;
    private final SampleTransform<T> transform;
    private final int batchSize;
    private final int workers;
    private final boolean skipUndecodable;
    private final ExecutorService pool;

    /**
     * Creates a loader.
     *
     * @param data the data set
     * @param transform what each sample goes through
     * @param batchSize B
     * @param workers number of loading threads (at least 1)
     */
    public BatchLoader(LabelledImages<T> data, SampleTransform<T> transform, int batchSize, int workers) {
        this(data, transform, batchSize, workers, false);
    }

    /**
     * Creates a loader that may skip undecodable images.
     *
     * @param data the data set
     * @param transform what each sample goes through
     * @param batchSize B
     * @param workers number of loading threads (at least 1)
     * @param skipUndecodable whether a sample whose loading throws {@link ImageDecodeException} is
     *     left out (and listed in {@link Batch#skipped()}) instead of failing the batch
     */
    public BatchLoader(
            LabelledImages<T> data,
            SampleTransform<T> transform,
            int batchSize,
            int workers,
            boolean skipUndecodable) {
        if (batchSize < 1 || workers < 1) {
            throw new SparxException(
                    "batch size and worker count must be at least 1, got " + batchSize + " and " + workers);
        }
        this.data = data;
        this.transform = transform;
        this.batchSize = batchSize;
        this.workers = workers;
        this.skipUndecodable = skipUndecodable;
        int id = POOL_ID.incrementAndGet();
        AtomicInteger thread = new AtomicInteger();
        ThreadFactory factory =
                r -> {
                    Thread t = new Thread(r, "sparx-loader-" + id + "-" + thread.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                };
        this.pool = Executors.newFixedThreadPool(workers, factory);
    }

    /** @return the data set */
    public LabelledImages<T> data() {
        return data;
    }

    /**
     * The number of batches an epoch over {@code n} samples has.
     *
     * @param n number of samples
     * @param dropLast whether a last, smaller batch is dropped
     * @return the batch count
     */
    public int batchCount(int n, boolean dropLast) {
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * Iterates over the data set in its own order, without dropping a partial last batch: the
     * evaluation pass.
     *
     * @return the batches
     */
    public Iterator<Batch> inOrder() {
        int[] order = new int[data.size()];
        Arrays.setAll(order, i -> i);
        return epoch(order, false, 0L);
    }

    /**
     * Iterates over one epoch.
     *
     * @param order data set indices in the order to visit them
     * @param dropLast whether to drop a last batch smaller than B (as timm's training loader does)
     * @param seed the epoch's seed; sample {@code i} of the order uses {@code Seeds.random(seed, i)}
     * @return the batches, loaded ahead on the worker threads
     */
    public Iterator<Batch> epoch(int[] order, boolean dropLast, long seed) {
        int count = batchCount(order.length, dropLast);
        return new Iterator<>() {
            private final Deque<Future<Batch>> ahead = new ArrayDeque<>();
            private int submitted;
            private int taken;

            private void fill() {
                while (submitted < count && ahead.size() < workers + 1) {
                    int b = submitted++;
                    ahead.add(pool.submit(() -> load(order, b, seed)));
                }
            }

            @Override
            public boolean hasNext() {
                return taken < count;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                fill();
                Future<Batch> f = ahead.poll();
                taken++;
                fill();
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SparxException("interrupted while loading batch " + (taken - 1), e);
                } catch (ExecutionException e) {
                    ahead.forEach(x -> x.cancel(true));
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new SparxException("loading batch " + (taken - 1) + " failed: " + e.getCause(), e);
                }
            }
        };
    }

    private Batch load(int[] order, int b, long seed) {
        int start = b * batchSize;
        int n = Math.min(batchSize, order.length - start);
        int[] shape = transform.outputShape();
        int per = shape[0] * shape[1] * shape[2];
        float[] pixels = new float[n * per];
        long[] labels = new long[n];
        int[] indices = new int[n];
        List<ImageDecodeException> skipped = new ArrayList<>();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int index = order[start + i];
            T sample;
            try {
                sample = data.load(index);
            } catch (ImageDecodeException e) {
                if (!skipUndecodable) {
                    throw e;
                }
                skipped.add(e);
                continue;
            }
            indices[kept] = index;
            labels[kept] = data.label(index);
            transform.apply(sample, Seeds.random(seed, start + i), pixels, kept * per);
            kept++;
        }
        if (kept < n) {
            pixels = Arrays.copyOf(pixels, kept * per);
            labels = Arrays.copyOf(labels, kept);
            indices = Arrays.copyOf(indices, kept);
        }
        long[] batchShape = {kept, shape[0], shape[1], shape[2]};
        return new Batch(pixels, labels, indices, batchShape, List.copyOf(skipped));
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
