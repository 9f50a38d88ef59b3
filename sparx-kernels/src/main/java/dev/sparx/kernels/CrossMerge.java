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
     * @param y the outputs in scan order, time-major: (L, B, K, C)
     * @param height H
     * @param width W, with H*W = L
     * @return y0 + y1 + y2 + y3 in (H, W) order, (B, C, H, W), contiguous
     */
    public static NDArray apply(NDArray y, long height, long width) {
        Shape s = y.getShape();
        long batch = s.get(1);
        long channels = s.get(3);
        NDList parts = y.split(CrossScan.K, 2);
        NDArray rows = parts.get(0).add(parts.get(2).flip(0)).reshape(height, width, batch, channels);
        NDArray cols = parts.get(1).add(parts.get(3).flip(0)).reshape(width, height, batch, channels);
        // summed while still (H, W, B, C); one copy then gives the NCHW layout convolutions want
        return rows.add(cols.swapAxes(0, 1))
                .transpose(2, 3, 0, 1)
                .reshape(batch, channels, height * width)
                .reshape(batch, channels, height, width);
    }
}
