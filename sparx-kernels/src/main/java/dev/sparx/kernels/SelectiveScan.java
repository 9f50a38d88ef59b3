package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;

/**
 * The four-direction selective scan of SparX-Mamba's SSM: cross scan, the selective-scan
 * recurrence over each direction, and cross merge, as one operation on tensors in spatial (H, W)
 * order. ARCHITECTURE.md, "The SSM over four scan directions", defines it.
 *
 * <p>The per-position projections (x_proj, dt_projs) commute with the cross scan, which only
 * permutes positions; so the caller computes them in spatial order, and an implementation is free
 * to traverse each direction in place instead of materialising the four permuted copies.
 *
 * <p>Letters: B batch, K = 4 directions, D channels of the inner width, N state size, H x W the
 * feature map, L = H*W.
 */
public interface SelectiveScan {

    /**
     * Runs the scan over all four directions and sums them back in (H, W) order.
     *
     * @param u the scanned signal, (B, D, H, W), shared by the four directions
     * @param delta the step sizes before softplus and bias, (B, K, D, H, W) in spatial order
     * @param a the state matrix A = -exp(A_logs), (K*D, N)
     * @param b the input projections B, (B, K, N, H, W) in spatial order
     * @param c the output projections C, (B, K, N, H, W) in spatial order
     * @param d the skip weights Ds, (K*D)
     * @param deltaBias the bias added to delta before softplus, (K*D)
     * @return y0 + y1 + y2 + y3 back in spatial order, (B, D, H, W), float32
     */
    NDArray crossScanMerge(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray deltaBias);

    /**
     * The same scan with the step sizes given by their rank-R factors, delta[b][k] = deltaWeight[k]
     * deltaLow[b][k] (dt_projs' product). This default forms delta and calls
     * {@link #crossScanMerge}; an implementation may instead expand the factors where it reads them,
     * so that the (B, K, D, H, W) array is never written.
     *
     * @param u the scanned signal, (B, D, H, W)
     * @param deltaLow the low-rank step sizes (x_proj's first R rows per direction), (B, K, R, H, W)
     * @param deltaWeight the per-direction projections dt_projs_weight, (K, D, R)
     * @param a the state matrix A = -exp(A_logs), (K*D, N)
     * @param b the input projections B, (B, K, N, H, W)
     * @param c the output projections C, (B, K, N, H, W)
     * @param d the skip weights Ds, (K*D)
     * @param deltaBias the bias added to delta before softplus, (K*D)
     * @return y0 + y1 + y2 + y3 back in spatial order, (B, D, H, W), float32
     */
    default NDArray crossScanMergeLowRank(NDArray u, NDArray deltaLow, NDArray deltaWeight, NDArray a, NDArray b,
            NDArray c, NDArray d, NDArray deltaBias) {
        Shape low = deltaLow.getShape();
        Shape weight = deltaWeight.getShape();
        if (low.dimension() != 5 || weight.dimension() != 3) {
            throw new SparxException("selective scan (" + name() + "): deltaLow has shape " + low
                    + " and deltaWeight " + weight + "; expected (B, K, R, H, W) and (K, D, R)");
        }
        try (NDArray delta = deltaWeight.matMul(deltaLow.reshape(low.get(0), low.get(1), low.get(2), -1))
                .reshape(low.get(0), low.get(1), weight.get(1), low.get(3), low.get(4))) {
            return crossScanMerge(u, delta, a, b, c, d, deltaBias);
        }
    }

    /** @return the name users select it by ({@code ndarray}, {@code native}, {@code cuda}) */
    String name();
}
