package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The first-order linear recurrence {@code h_t = exp(a_t) * h_{t-1} + x_t}, {@code h_{-1} = 0},
 * along the last axis, computed with a number of NDArray calls that grows with log L rather than L,
 * so that it stays fast through JNI and differentiable through DJL's autograd.
 *
 * <p>The sequence is cut into chunks of {@link #CHUNK} steps. Within each chunk, the recurrence runs
 * step by step, but every step is one NDArray operation over all chunks of all rows at once; the
 * chunks' end states then form a recurrence L/CHUNK long, solved the same way; finally each position
 * adds its chunk's incoming state times the decay accumulated since the chunk start. Decays stay in
 * [0, 1]: exponents are sums of log-decays over a prefix of a chunk, all &lt;= 0, so nothing can
 * overflow however strong the decay, and a decay that underflows to 0 is what the sequential
 * recurrence computes too.
 */
public final class LinearRecurrence {

    /** Steps per chunk; the cost is about 2*CHUNK + 20 NDArray calls per level of log_CHUNK L. */
    static final int CHUNK = 8;

    private LinearRecurrence() {}

    /**
     * Runs the recurrence over the last axis.
     *
     * @param logDecay the log-decays a_t, any shape (..., L), values &lt;= 0 for decay
     * @param input the inputs x_t, the same shape
     * @return the states h_t, the same shape, in the inputs' manager
     */
    public static NDArray scan(NDArray logDecay, NDArray input) {
        Shape shape = input.getShape();
        long length = shape.get(shape.dimension() - 1);
        NDManager parent = input.getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray a = logDecay.reshape(-1, length);
            NDArray x = input.reshape(-1, length);
            a.attach(scope);
            x.attach(scope);
            NDArray h = scanRows(scope, a, x).reshape(shape);
            h.attach(parent);
            return h;
        }
    }

    /** Rows (M, n); every result lives in {@code scope} because the inputs do. */
    private static NDArray scanRows(NDManager scope, NDArray logDecay, NDArray x) {
        long rows = x.getShape().get(0);
        long n = x.getShape().get(1);
        if (n <= CHUNK) {
            return withinChunks(logDecay.exp().reshape(rows, 1, n), x.reshape(rows, 1, n)).reshape(rows, n);
        }
        long chunks = (n + CHUNK - 1) / CHUNK;
        long pad = chunks * CHUNK - n;
        if (pad > 0) {
            // leading steps with decay 1 and input 0 leave the zero initial state unchanged
            NDArray zeros = scope.zeros(new Shape(rows, pad), x.getDataType());
            logDecay = NDArrays.concat(new NDList(zeros, logDecay), 1);
            x = NDArrays.concat(new NDList(zeros, x), 1);
        }
        NDArray a = logDecay.reshape(rows, chunks, CHUNK);
        NDArray local = withinChunks(a.exp(), x.reshape(rows, chunks, CHUNK));
        NDArray decaySinceStart = a.cumSum(2);
        NDArray chunkEnd = scanRows(scope, decaySinceStart.get(":, :, -1"), local.get(":, :, -1"));
        NDArray incoming =
                NDArrays.concat(new NDList(scope.zeros(new Shape(rows, 1), x.getDataType()), chunkEnd.get(":, :-1")), 1);
        NDArray h = local.add(decaySinceStart.exp().mul(incoming.expandDims(2))).reshape(rows, chunks * CHUNK);
        return pad > 0 ? h.get(":, " + pad + ":") : h;
    }

    /** The recurrence inside each chunk from a zero state: (M, chunks, T) -> (M, chunks, T). */
    private static NDArray withinChunks(NDArray decay, NDArray x) {
        int steps = Math.toIntExact(x.getShape().get(2));
        NDList d = decay.split(steps, 2);
        NDList xs = x.split(steps, 2);
        NDList h = new NDList(steps);
        NDArray state = xs.get(0);
        h.add(state);
        for (int t = 1; t < steps; t++) {
            state = xs.get(t).add(d.get(t).mul(state));
            h.add(state);
        }
        return NDArrays.concat(h, 2);
    }
}
