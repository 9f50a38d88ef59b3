package dev.sparx.examples.train;

import dev.sparx.examples.data.GrayImage;
import dev.sparx.examples.data.LabelledImages;
import dev.sparx.examples.data.Seeds;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * A synthetic 8x8 gray data set of three classes (dark, mid-gray and bright images with noise and
 * a bright band at a random row), small enough to train on in a test. A fault predicate lets a test make a load fail, as a
 * crash or a corrupt file would.
 */
final class ToyImages implements LabelledImages<GrayImage> {

    static final int SIDE = 8;

    private final int size;
    private final long seed;
    private volatile IntPredicate fails = i -> false;

    ToyImages(int size, long seed) {
        this.size = size;
        this.seed = seed;
    }

    /** Makes {@link #load(int)} throw for the indices the predicate accepts (checked at load time). */
    void failWhen(IntPredicate predicate) {
        this.fails = predicate;
    }

    @Override
    public List<String> classes() {
        return List.of("dark", "gray", "bright");
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int label(int index) {
        return index % 3;
    }

    @Override
    public String name(int index) {
        return "toy/" + index;
    }

    @Override
    public GrayImage load(int index) {
        if (fails.test(index)) {
            throw new IllegalStateException("simulated crash while loading sample " + index);
        }
        SplittableRandom rng = Seeds.random(seed, index);
        byte[] px = new byte[SIDE * SIDE];
        int band = rng.nextInt(SIDE);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int v = 30 + 70 * label(index) + rng.nextInt(50) + (y == band ? 40 : 0);
                px[y * SIDE + x] = (byte) v;
            }
        }
        return new GrayImage(SIDE, SIDE, px);
    }
}
