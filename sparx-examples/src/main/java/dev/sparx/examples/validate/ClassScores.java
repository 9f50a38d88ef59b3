package dev.sparx.examples.validate;

/**
 * What one row of logits (K classes) says: the best classes, the softmax probabilities and the
 * cross-entropy against a label. Computed in double from the float32 logits.
 */
public final class ClassScores {

    private final float[] logits;
    private final int offset;
    private final int classes;
    private final double logSumExp;

    /**
     * Views row {@code row} of a (B, K) logits array.
     *
     * @param logits (B, K), row-major
     * @param row the sample, 0 to B-1
     * @param classes K
     */
    public ClassScores(float[] logits, int row, int classes) {
        this.logits = logits;
        this.offset = row * classes;
        this.classes = classes;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits[offset + c] - max);
        }
        this.logSumExp = max + Math.log(sum);
    }

    /**
     * The best classes, best first; of equal logits the lower index comes first.
     *
     * @param k how many (at most K are returned)
     * @return class indices
     */
    public int[] top(int k) {
        int n = Math.min(k, classes);
        int[] best = new int[n];
        for (int i = 0; i < n; i++) {
            int pick = -1;
            for (int c = 0; c < classes; c++) {
                if (isTaken(best, i, c)) {
                    continue;
                }
                if (pick < 0 || logits[offset + c] > logits[offset + pick]) {
                    pick = c;
                }
            }
            best[i] = pick;
        }
        return best;
    }

    private static boolean isTaken(int[] best, int n, int c) {
        for (int i = 0; i < n; i++) {
            if (best[i] == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * The softmax probability of a class.
     *
     * @param c class index
     * @return its probability
     */
    public double probability(int c) {
        return Math.exp(logits[offset + c] - logSumExp);
    }

    /**
     * The cross-entropy of the row against a label, {@code -log softmax(z)[target]}, as torch's
     * {@code cross_entropy} gives per sample.
     *
     * @param target the label
     * @return the loss
     */
    public double crossEntropy(int target) {
        return logSumExp - logits[offset + target];
    }
}
