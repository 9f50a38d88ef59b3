package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The first-order linear recurrence {@code h_t = exp(a_t) * h_{t-1} + x_t}, {@code h_{-1} = 0},
 * along the first axis, computed with a number of NDArray calls that grows with log L rather than L,
 * so that it stays fast through JNI and differentiable through DJL's autograd.
 *
 * <p>The sequence is cut into chunks of {@link #CHUNK} steps. Within the chunks the recurrence runs
 * step by step, but every step is one NDArray operation over all chunks of all sequences at once;
 * the chunks' end states then form a recurrence L/CHUNK long, solved the same way; finally each
 * position adds its chunk's incoming state times the decay accumulated since the chunk start.
 * Decays stay in [0, 1]: exponents are sums of log-decays over a prefix of a chunk, all &lt;= 0, so
 * nothing can overflow however strong the decay, and a decay that underflows to 0 is what the
 * sequential recurrence computes too.
 *
 * <p>Time-major layout, (L, M), makes every step a contiguous block of the M sequences.
 */
public final class LinearRecurrence {

    /** Steps per chunk: about 2*CHUNK + 20 NDArray calls per level, log_CHUNK(L) levels. */
    static final int CHUNK = 8;

    private LinearRecurrence() {}

    /**
     * Runs the recurrence over the first axis.
     *
     * @param logDecay the log-decays a_t, (L, ...), values &lt;= 0 for decay
     * @param input the inputs x_t, the same shape
     * @return the states h_t, the same shape, in the inputs' manager
     */
    public static NDArray scan(NDArray logDecay, NDArray input) {
        Shape shape = input.getShape();
        long length = shape.get(0);
        try (ArrayScope scope = ArrayScope.of(logDecay, input)) {
            NDArray h = scanSequences(scope.manager(), logDecay.reshape(length, -1), input.reshape(length, -1));
            return scope.keep(h.reshape(shape));
        }
    }

    /** Sequences (n, M); every result lives in {@code scope} because the inputs do. */
    private static NDArray scanSequences(NDManager scope, NDArray logDecay, NDArray x) {
        long n = x.getShape().get(0);
        long m = x.getShape().get(1);
        if (n <= CHUNK) {
            return withinChunks(logDecay.exp().reshape(1, n, m), x.reshape(1, n, m)).reshape(n, m);
        }
        long chunks = (n + CHUNK - 1) / CHUNK;
        long pad = chunks * CHUNK - n;
        if (pad > 0) {
            // leading steps with decay 1 and input 0 leave the zero initial state unchanged
            NDArray zeros = scope.zeros(new Shape(pad, m), x.getDataType());
            logDecay = NDArrays.concat(new NDList(zeros, logDecay), 0);
            x = NDArrays.concat(new NDList(zeros, x), 0);
        }
        NDArray a = logDecay.reshape(chunks, CHUNK, m);
        NDArray local = withinChunks(a.exp(), x.reshape(chunks, CHUNK, m));
        NDArray decaySinceStart = a.cumSum(1);
        NDArray chunkEnd = scanSequences(scope, decaySinceStart.get(":, -1"), local.get(":, -1"));
        NDArray incoming =
                NDArrays.concat(new NDList(scope.zeros(new Shape(1, m), x.getDataType()), chunkEnd.get(":-1")), 0);
        NDArray h = local.add(decaySinceStart.exp().mul(incoming.expandDims(1))).reshape(chunks * CHUNK, m);
        return pad > 0 ? h.get(pad + ":") : h;
    }

    /** The recurrence inside each chunk from a zero state: (chunks, T, M) -> (chunks, T, M). */
    private static NDArray withinChunks(NDArray decay, NDArray x) {
        int steps = Math.toIntExact(x.getShape().get(1));
        NDList d = decay.split(steps, 1);
        NDList xs = x.split(steps, 1);
        NDList h = new NDList(steps);
        NDArray state = xs.get(0);
        h.add(state);
        for (int t = 1; t < steps; t++) {
            state = xs.get(t).add(d.get(t).mul(state));
            h.add(state);
        }
        return NDArrays.concat(h, 1);
    }
}
