package dev.sparx.examples.data;

import java.util.SplittableRandom;

/**
 * Derives independent seeds from a run's seed and a position (an epoch, a step, a sample). Every
 * random choice of a training run draws from a generator seeded this way, so the whole random
 * state of a run at a step is its seed plus its counters: a resumed run re-derives exactly the
 * generators the uninterrupted run would have used, and the result does not depend on how many
 * threads load the data.
 */
public final class Seeds {

    private Seeds() {}

    /**
     * Mixes a value into a seed with SplitMix64's finaliser (Steele, Lea and Flood, 2014), so that
     * nearby inputs give unrelated outputs.
     *
     * @param seed a seed
     * @param values positions to mix in, in order
     * @return the derived seed
     */
    public static long derive(long seed, long... values) {
        long z = seed;
        for (long v : values) {
            z += 0x9E3779B97F4A7C15L * (v + 1);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
        }
        return z;
    }

    /**
     * A generator for one position.
     *
     * @param seed a seed
     * @param values positions to mix in
     * @return a generator seeded with {@link #derive(long, long...)}
     */
    public static SplittableRandom random(long seed, long... values) {
        return new SplittableRandom(derive(seed, values));
    }

    /**
     * A random permutation of {@code 0..n-1} (Fisher-Yates).
     *
     * @param n length
     * @param rng the generator
     * @return the permutation
     */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
