package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The cross merge of ARCHITECTURE.md: the four directions' outputs go back to (H, W) order and are
 * summed. The inverse of {@link CrossScan} followed by a sum over directions.
 */
public final class CrossMerge {

    private CrossMerge() {}

    /**
     * Merges the four directions.
     *
     * @param y the outputs in scan order, (..., K, C, L)
     * @param height H
     * @param width W, with H*W = L
     * @return y0 + y1 + y2 + y3 in (H, W) order, (..., C, H, W)
     */
    public static NDArray apply(NDArray y, long height, long width) {
        Shape s = y.getShape();
        int n = s.dimension();
        Shape leading = s.slice(0, n - 3);
        long c = s.get(n - 2);
        NDList parts = y.split(CrossScan.K, n - 3);
        NDArray rows = parts.get(0).add(parts.get(2).flip(n - 1)).reshape(leading.add(c, height, width));
        NDArray cols = parts.get(1).add(parts.get(3).flip(n - 1)).reshape(leading.add(c, width, height));
        return rows.add(cols.swapAxes(n - 2, n - 1));
    }
}
