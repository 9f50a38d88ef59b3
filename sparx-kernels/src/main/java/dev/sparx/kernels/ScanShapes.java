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
 * N at least 1, and every tensor small enough for a Java buffer (under 2 GiB). The native kernels
 * index memory with these numbers, so nothing reaches them unchecked.
 */
final class ScanShapes {

    /** K, the number of scan directions. */
    static final int DIRECTIONS = 4;

    /** The inputs' names in the order of {@link SelectiveScan#crossScanMerge}'s parameters. */
    static final List<String> INPUT_NAMES = List.of("u", "delta", "a", "b", "c", "d", "deltaBias");

    final int batch;
    final int channels;
    final int state;
    final int height;
    final int width;
    final Device device;

    private ScanShapes(int batch, int channels, int state, int height, int width, Device device) {
        this.batch = batch;
        this.channels = channels;
        this.state = state;
        this.height = height;
        this.width = width;
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
        if (inputs.length != INPUT_NAMES.size()) {
            throw new IllegalArgumentException("expected " + INPUT_NAMES + ", got " + inputs.length + " arrays");
        }
        for (int i = 0; i < inputs.length; i++) {
            String name = INPUT_NAMES.get(i);
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
        Shape u = rank(scan, "u", inputs[0], 4, "(B, D, H, W)");
        long batch = u.get(0);
        long channels = u.get(1);
        long height = u.get(2);
        long width = u.get(3);
        Shape a = rank(scan, "a", inputs[2], 2, "(K*D, N)");
        long state = a.get(1);
        if (a.get(0) != DIRECTIONS * channels || state < 1) {
            throw mismatch(scan, "a", a, "(K*D, N) with N >= 1", new Shape(DIRECTIONS * channels, Math.max(state, 1)));
        }
        expect(scan, "delta", inputs[1], "(B, K, D, H, W)", new Shape(batch, DIRECTIONS, channels, height, width));
        Shape projections = new Shape(batch, DIRECTIONS, state, height, width);
        expect(scan, "b", inputs[3], "(B, K, N, H, W)", projections);
        expect(scan, "c", inputs[4], "(B, K, N, H, W)", projections);
        expect(scan, "d", inputs[5], "(K*D)", new Shape(DIRECTIONS * channels));
        expect(scan, "deltaBias", inputs[6], "(K*D)", new Shape(DIRECTIONS * channels));
        return new ScanShapes((int) batch, (int) channels, (int) state, (int) height, (int) width,
                inputs[0].getDevice());
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
