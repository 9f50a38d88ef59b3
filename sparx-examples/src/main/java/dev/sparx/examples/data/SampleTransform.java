package dev.sparx.examples.data;

import java.util.SplittableRandom;

/**
 * Turns one loaded sample into the model's input: C*H*W floats in channel-major order, normalised.
 * A training transform draws its random choices from the generator it is given (one per sample,
 * see {@link Seeds}); an evaluation transform ignores it.
 *
 * @param <T> the sample type
 */
public interface SampleTransform<T> {

    /** @return the output shape {C, H, W} */
    int[] outputShape();

    /**
     * Transforms one sample.
     *
     * @param sample the loaded sample
     * @param rng this sample's generator
     * @param out destination; C*H*W floats are written from {@code offset}
     * @param offset where this sample starts in {@code out}
     */
    void apply(T sample, SplittableRandom rng, float[] out, int offset);
}
