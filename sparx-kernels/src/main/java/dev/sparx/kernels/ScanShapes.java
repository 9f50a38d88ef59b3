package dev.sparx.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.util.List;

/**
 * The dimensions of one {@link SelectiveScan#crossScanMerge} call, read from its seven inputs
 * after checking them against each other: every input float32 and on one device, u (B, D, H, W),
 * delta (B, K, D, H, W), a (K*D, N), b and c (B, K, N, H, W), d and deltaBias (K*D), with K = 4 and
 * N at least 1, and every tensor small enough for a Java buffer (under 2 GiB); or of a
 * {@link SelectiveScan#crossScanMergeLowRank} call, whose delta is given as deltaLow (B, K, R, H, W)
 * and deltaWeight (K, D, R). The native kernels index memory with these numbers, so nothing reaches
 * them unchecked.
 */
final class ScanShapes {

    /** K, the number of scan directions. */
    static final int DIRECTIONS = 4;

    /** The inputs' names in the order of {@link SelectiveScan#crossScanMerge}'s parameters. */
    static final List<String> INPUT_NAMES = List.of("u", "delta", "a", "b", "c", "d", "deltaBias");

    /** The inputs' names in the order of {@link SelectiveScan#crossScanMergeLowRank}'s parameters. */
    static final List<String> LOW_RANK_INPUT_NAMES =
            List.of("u", "deltaLow", "deltaWeight", "a", "b", "c", "d", "deltaBias");

    final int batch;
    final int channels;
    final int state;
    final int height;
    final int width;
    /** R, the rank of delta's factors; 0 where delta is given whole */
    final int rank;
    final Device device;

    private ScanShapes(int batch, int channels, int state, int height, int width, int rank, Device device) {
        this.batch = batch;
        this.channels = channels;
        this.state = state;
        this.height = height;
        this.width = width;
        this.rank = rank;
        this.device = device;
    }

    /**
     * Checks the inputs of one call.
     *
     * @param scan the implementation's name, for messages
     * @param inputs u, delta, a, b, c, d, deltaBias in that order
     * @return their dimensions
     * @throws SparxException naming the first input that does not fit, and what was expected
     */
    static ScanShapes check(String scan, NDArray... inputs) {
        checkEach(scan, INPUT_NAMES, inputs);
        ScanShapes shapes = checkShared(scan, 0, inputs[0], inputs[2], inputs[3], inputs[4], inputs[5], inputs[6]);
        expect(scan, "delta", inputs[1], "(B, K, D, H, W)",
                new Shape(shapes.batch, DIRECTIONS, shapes.channels, shapes.height, shapes.width));
        return shapes;
    }

    /**
     * Checks the inputs of one call with delta given by its factors.
     *
     * @param scan the implementation's name, for messages
     * @param inputs u, deltaLow, deltaWeight, a, b, c, d, deltaBias in that order
     * @return their dimensions, R included
     * @throws SparxException naming the first input that does not fit, and what was expected
     */
    static ScanShapes checkLowRank(String scan, NDArray... inputs) {
        checkEach(scan, LOW_RANK_INPUT_NAMES, inputs);
        Shape weight = rank(scan, "deltaWeight", inputs[2], 3, "(K, D, R)");
        long rank = weight.get(2);
        ScanShapes shapes =
                checkShared(scan, (int) rank, inputs[0], inputs[3], inputs[4], inputs[5], inputs[6], inputs[7]);
        if (rank < 1) {
            throw error(scan, "deltaWeight has shape " + weight + "; expected (K, D, R) with R >= 1");
        }
        expect(scan, "deltaWeight", inputs[2], "(K, D, R)", new Shape(DIRECTIONS, shapes.channels, rank));
        expect(scan, "deltaLow", inputs[1], "(B, K, R, H, W)",
                new Shape(shapes.batch, DIRECTIONS, rank, shapes.height, shapes.width));
        return shapes;
    }

    /** Every input present, float32, on u's device and under 2 GiB. */
    private static void checkEach(String scan, List<String> names, NDArray... inputs) {
        if (inputs.length != names.size()) {
            throw new IllegalArgumentException("expected " + names + ", got " + inputs.length + " arrays");
        }
        for (int i = 0; i < inputs.length; i++) {
            String name = names.get(i);
            if (inputs[i] == null) {
                throw error(scan, name + " is missing");
            }
            if (inputs[i].getDataType() != DataType.FLOAT32) {
                throw error(scan, name + " is " + inputs[i].getDataType() + "; expected float32");
            }
            if (!inputs[i].getDevice().equals(inputs[0].getDevice())) {
                throw error(scan, name + " is on " + inputs[i].getDevice() + " but u is on "
                        + inputs[0].getDevice() + "; expected all inputs on one device");
            }
            if (inputs[i].size() * Float.BYTES > Integer.MAX_VALUE) {
                throw error(scan, name + " " + inputs[i].getShape() + " has 2 GiB or more; split the batch");
            }
        }
    }

    /** The dimensions from u and a, after checking them and b, c, d and deltaBias against them. */
    private static ScanShapes checkShared(String scan, int rank, NDArray uArray, NDArray aArray, NDArray b,
            NDArray c, NDArray d, NDArray deltaBias) {
        Shape u = rank(scan, "u", uArray, 4, "(B, D, H, W)");
        long batch = u.get(0);
        long channels = u.get(1);
        long height = u.get(2);
        long width = u.get(3);
        Shape a = rank(scan, "a", aArray, 2, "(K*D, N)");
        long state = a.get(1);
        if (a.get(0) != DIRECTIONS * channels || state < 1) {
            throw mismatch(scan, "a", a, "(K*D, N) with N >= 1", new Shape(DIRECTIONS * channels, Math.max(state, 1)));
        }
        Shape projections = new Shape(batch, DIRECTIONS, state, height, width);
        expect(scan, "b", b, "(B, K, N, H, W)", projections);
        expect(scan, "c", c, "(B, K, N, H, W)", projections);
        expect(scan, "d", d, "(K*D)", new Shape(DIRECTIONS * channels));
        expect(scan, "deltaBias", deltaBias, "(K*D)", new Shape(DIRECTIONS * channels));
        return new ScanShapes((int) batch, (int) channels, (int) state, (int) height, (int) width, rank,
                uArray.getDevice());
    }

    /** @return the output's shape, (B, D, H, W) */
    Shape outputShape() {
        return new Shape(batch, channels, height, width);
    }

    /** @return whether the output has no elements, so there is nothing to compute */
    boolean isEmpty() {
        return (long) batch * channels * height * width == 0;
    }

    private static Shape rank(String scan, String name, NDArray array, int rank, String letters) {
        Shape shape = array.getShape();
        if (shape.dimension() != rank) {
            throw error(scan, name + " has shape " + shape + "; expected rank " + rank + ", " + letters);
        }
        return shape;
    }

    private static void expect(String scan, String name, NDArray array, String letters, Shape expected) {
        Shape shape = array.getShape();
        if (!shape.equals(expected)) {
            throw mismatch(scan, name, shape, letters, expected);
        }
    }

    private static SparxException mismatch(String scan, String name, Shape shape, String letters, Shape expected) {
        return error(scan, name + " has shape " + shape + "; expected " + letters + " = " + expected
                + " from u (B, D, H, W) and a (K*D, N)");
    }

    private static SparxException error(String scan, String message) {
        return new SparxException("selective scan (" + scan + "): " + message);
    }
}
