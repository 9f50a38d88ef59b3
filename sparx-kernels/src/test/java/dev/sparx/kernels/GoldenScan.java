package dev.sparx.kernels;

import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A golden scan of the authors' model, read from its sequence form (B, 4D, L) (each direction's
 * cross-scanned copy, as the authors' selective_scan receives it) and turned into this interface's
 * spatial form by inverting the cross scan: the input as a {@link ScanCase} and the expected output
 * as the cross merge of the per-direction outputs.
 */
final class GoldenScan {

    /**
     * tiny_t's first scan (stage 1, block 0; 56x56, N = 1) from the shared golden scan.npz: sample 0
     * and 2 channels of each direction, sliced by the NDArray implementation's author.
     */
    static final String TINY_T = "/scan_tiny_t_slice.npz";

    final ScanCase input;
    final double[] merged;

    private GoldenScan(ScanCase input, double[] merged) {
        this.input = input;
        this.merged = merged;
    }

    /**
     * @param resource a test resource holding u, delta, A, B, C, D, delta_bias, out of a square map
     * @return the scan in spatial form
     */
    static GoldenScan load(String resource) {
        Map<String, HostTensor> z;
        try {
            z = Npy.readNpz(Path.of(GoldenScan.class.getResource(resource).toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        long[] shape = z.get("u").shape();
        int batch = (int) shape[0];
        int channels = (int) shape[1] / ScanShapes.DIRECTIONS;
        int length = (int) shape[2];
        int side = (int) Math.round(Math.sqrt(length));
        int state = (int) z.get("A").shape()[1];
        float[] u = z.get("u").toFloatArray();
        float[] delta = z.get("delta").toFloatArray();
        double[] out = z.get("out").toDoubleArray();
        float[] spatialU = new float[batch * channels * length];
        float[] spatialDelta = new float[delta.length];
        float[] b = spatial(z.get("B").toFloatArray(), batch, state, length, side);
        float[] c = spatial(z.get("C").toFloatArray(), batch, state, length, side);
        double[] merged = new double[spatialU.length];
        for (int bi = 0; bi < batch; bi++) {
            for (int k = 0; k < ScanShapes.DIRECTIONS; k++) {
                for (int ch = 0; ch < channels; ch++) {
                    int row = (bi * ScanShapes.DIRECTIONS + k) * channels + ch;
                    for (int t = 0; t < length; t++) {
                        int p = SequentialReference.position(k, t, side, side);
                        int target = (bi * channels + ch) * length + p;
                        float value = u[row * length + t];
                        if (k > 0 && spatialU[target] != value) {
                            throw new IllegalStateException(resource + ": direction " + k + " of u is not the"
                                    + " cross scan of direction 0 at channel " + ch + ", step " + t);
                        }
                        spatialU[target] = value;
                        spatialDelta[row * length + p] = delta[row * length + t];
                        merged[target] += out[row * length + t];
                    }
                }
            }
        }
        ScanCase input = new ScanCase(batch, channels, state, side, side, spatialU, spatialDelta,
                z.get("A").toFloatArray(), b, c, z.get("D").toFloatArray(), z.get("delta_bias").toFloatArray());
        return new GoldenScan(input, merged);
    }

    /** (B, 4, N, L) in each direction's order to the same in spatial order. */
    private static float[] spatial(float[] sequence, int batch, int state, int length, int side) {
        float[] result = new float[sequence.length];
        for (int bi = 0; bi < batch; bi++) {
            for (int k = 0; k < ScanShapes.DIRECTIONS; k++) {
                for (int n = 0; n < state; n++) {
                    int row = (bi * ScanShapes.DIRECTIONS + k) * state + n;
                    for (int t = 0; t < length; t++) {
                        result[row * length + SequentialReference.position(k, t, side, side)] = sequence[row * length + t];
                    }
                }
            }
        }
        return result;
    }
}
