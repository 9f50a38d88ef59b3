package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The cross scan of ARCHITECTURE.md ("The SSM over four scan directions"): maps in (H, W) order
 * become K = 4 sequences of length L = H*W: row-major (k=0), column-major (k=1), and the two reversed
 * (k=2, k=3).
 *
 * <p>The sequences come out time-major, (L, B, K, C): step t of every sequence is one contiguous
 * block, which is the layout {@link LinearRecurrence} steps through fastest.
 */
public final class CrossScan {

    /** The number of scan directions. */
    public static final int K = 4;

    private CrossScan() {}

    /**
     * Scans a tensor that holds one map per direction: direction k reads its own slice
     * {@code x[:, k]} in its own order. This is how step sizes, B and C, computed per position in
     * spatial order, are brought into scan order.
     *
     * @param x one map per direction, (B, K, C, H, W)
     * @return the sequences, time-major: (L, B, K, C)
     */
    public static NDArray apply(NDArray x) {
        Shape s = x.getShape();
        Shape seq = new Shape(s.get(3) * s.get(4), s.get(0), 1, s.get(2));
        NDList parts = x.split(K, 1);
        // (B, 1, C, H, W) -> (H, W, B, 1, C) is row-major time, (W, H, B, 1, C) column-major
        NDArray rows = parts.get(0).transpose(3, 4, 0, 1, 2).reshape(seq);
        NDArray cols = parts.get(1).transpose(4, 3, 0, 1, 2).reshape(seq);
        NDArray rowsReversed = parts.get(2).transpose(3, 4, 0, 1, 2).reshape(seq).flip(0);
        NDArray colsReversed = parts.get(3).transpose(4, 3, 0, 1, 2).reshape(seq).flip(0);
        return NDArrays.concat(new NDList(rows, cols, rowsReversed, colsReversed), 2);
    }
}
