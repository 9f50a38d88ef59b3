package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The cross scan of ARCHITECTURE.md ("The SSM over four scan directions"): a feature map in (H, W)
 * order becomes K = 4 sequences of length L = H*W: row-major (k=0), column-major (k=1), and the two
 * reversed (k=2, k=3).
 */
public final class CrossScan {

    /** The number of scan directions. */
    public static final int K = 4;

    private CrossScan() {}

    /**
     * Scans one map in all four directions.
     *
     * @param x the map, (..., C, H, W)
     * @return the four sequences, (..., K, C, L)
     */
    public static NDArray apply(NDArray x) {
        Shape s = x.getShape();
        int n = s.dimension();
        // (..., C, H, W) -> (..., 1, C, L), ready to be concatenated along the direction axis
        Shape seq = s.slice(0, n - 3).add(1, s.get(n - 3), s.get(n - 2) * s.get(n - 1));
        NDArray rows = x.reshape(seq);
        NDArray cols = x.swapAxes(n - 2, n - 1).reshape(seq);
        return NDArrays.concat(new NDList(rows, cols, rows.flip(n - 1), cols.flip(n - 1)), n - 3);
    }

    /**
     * Scans a tensor that already holds one map per direction: direction k reads its own slice
     * {@code x[..., k, :, :, :]} in its own order. This is how step sizes, B and C, computed per
     * position in spatial order, are brought into scan order.
     *
     * @param x one map per direction, (..., K, C, H, W)
     * @return the sequences, (..., K, C, L)
     */
    public static NDArray applyPerDirection(NDArray x) {
        Shape s = x.getShape();
        int n = s.dimension();
        int h = n - 2;
        int w = n - 1;
        Shape seq = s.slice(0, n - 4).add(1, s.get(n - 3), s.get(h) * s.get(w));
        NDList parts = x.split(K, n - 4);
        // flipping both spatial axes reverses the flattened order in either traversal
        NDArray rows = parts.get(0).reshape(seq);
        NDArray cols = parts.get(1).swapAxes(h, w).reshape(seq);
        NDArray rowsReversed = parts.get(2).flip(h, w).reshape(seq);
        NDArray colsReversed = parts.get(3).swapAxes(h, w).flip(h, w).reshape(seq);
        return NDArrays.concat(new NDList(rows, cols, rowsReversed, colsReversed), n - 4);
    }
}
