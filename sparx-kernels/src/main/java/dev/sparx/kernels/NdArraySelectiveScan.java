package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The four-direction selective scan as plain NDArray operations: it runs on any DJL engine and
 * device, and DJL's autograd differentiates it, which makes it the reference implementation and the
 * training path when no kernel is available.
 *
 * <p>Everything that is per position (softplus of the step size, the decays dt*A, the inputs
 * dt*B*u) is computed in spatial order; only the decays, inputs and C go through the cross scan,
 * into time-major sequences; {@link LinearRecurrence} runs the four directions of
 * all channels together; C*h of each direction is merged back to (H, W) order, where the skip term
 * D*u is added once for the four directions.
 */
public final class NdArraySelectiveScan implements SelectiveScan {

    /** The name users select this implementation by. */
    public static final String NAME = "ndarray";

    /** {@inheritDoc} */
    @Override
    public NDArray crossScanMerge(
            NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray deltaBias) {
        Shape us = u.getShape();
        long batch = us.get(0);
        long channels = us.get(1);
        long height = us.get(2);
        long width = us.get(3);
        long n = a.getShape().get(1);
        int k = CrossScan.K;
        try (ArrayScope scope = ArrayScope.of(u, delta, b, c)) {
            NDArray bias = scope.own(deltaBias.reshape(k, channels, 1, 1));
            NDArray stateMatrix = scope.own(a.reshape(k, channels, n, 1, 1));
            NDArray skip = scope.own(d.reshape(k, channels)).sum(new int[] {0}).reshape(channels, 1, 1);
            NDArray dt = Activation.softPlus(delta.add(bias)); // (B, K, D, H, W)
            NDArray logDecay = dt.expandDims(3).mul(stateMatrix); // (B, K, D, N, H, W)
            NDArray x = dt.mul(u.expandDims(1)).expandDims(3).mul(b.expandDims(2));
            // each scanned separately so that every sequence tensor is contiguous: (L, B, K, D*N)
            Shape perDirection = new Shape(batch, k, channels * n, height, width);
            NDArray h =
                    LinearRecurrence.scan(
                            CrossScan.apply(logDecay.reshape(perDirection)), CrossScan.apply(x.reshape(perDirection)));
            NDArray cs = CrossScan.apply(c); // (L, B, K, N)
            long length = height * width;
            NDArray y; // (L, B, K, D)
            if (n == 1) {
                y = h.mul(cs);
            } else {
                y = h.reshape(length, batch, k, channels, n).mul(cs.expandDims(3)).sum(new int[] {4});
            }
            NDArray out = CrossMerge.apply(y, height, width).add(u.mul(skip));
            return scope.keep(out);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }
}
