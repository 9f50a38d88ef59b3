package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * {@link SequentialScan} behind the {@link SelectiveScan} interface: copies the arrays out,
 * computes in float64, copies the result back as float32. The portable implementation the selector
 * tests hand to {@link SelectiveScans} (the NDArray one lives with the model).
 */
final class ReferenceSelectiveScan implements SelectiveScan {

    @Override
    public NDArray crossScanMerge(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d,
            NDArray deltaBias) {
        ScanShapes s = ScanShapes.check(name(), u, delta, a, b, c, d, deltaBias);
        ScanCase x = new ScanCase(s.batch, s.channels, s.state, s.height, s.width, u.toFloatArray(),
                delta.toFloatArray(), a.toFloatArray(), b.toFloatArray(), c.toFloatArray(), d.toFloatArray(),
                deltaBias.toFloatArray());
        double[] y = SequentialScan.crossScanMerge(x);
        float[] values = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            values[i] = (float) y[i];
        }
        return u.getManager().create(values, new Shape(s.batch, s.channels, s.height, s.width));
    }

    @Override
    public String name() {
        return "reference";
    }
}
