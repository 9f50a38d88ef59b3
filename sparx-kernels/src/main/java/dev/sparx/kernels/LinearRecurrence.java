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
 * step by step from a zero state, but every step is one NDArray operation over all chunks of all
 * sequences at once, and so does the product of the decays since the chunk start; the chunks' end
 * states then form a recurrence L/CHUNK long, solved the same way; finally each position adds its
 * chunk's incoming state times the decay accumulated since the chunk start. Only exp(a_t) is ever
 * exponentiated, and every product of decays stays in [0, 1]: nothing can overflow however strong
 * the decay, and a product that underflows to 0 is what the sequential recurrence computes too.
 *
 * <p>Time-major layout, (L, M), makes every step a contiguous block of the M sequences.
 */
public final class LinearRecurrence {

    /** Steps per chunk: about 5*CHUNK + 10 NDArray calls per level, log_CHUNK(L) levels. */
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
            NDArray h = scanSequences(scope.manager(), logDecay.reshape(length, -1).exp(), input.reshape(length, -1));
            return scope.keep(h.reshape(shape));
        }
    }

    /** Sequences (n, M) with decays in [0, 1]; every result lives in {@code scope}. */
    private static NDArray scanSequences(NDManager scope, NDArray decay, NDArray x) {
        long n = x.getShape().get(0);
        long m = x.getShape().get(1);
        long chunks = (n + CHUNK - 1) / CHUNK;
        long pad = chunks * CHUNK - n;
        if (chunks > 1 && pad > 0) {
            // leading steps with input 0 leave the zero initial state unchanged, whatever their decay
            NDArray zeros = scope.zeros(new Shape(pad, m), x.getDataType());
            decay = NDArrays.concat(new NDList(zeros, decay), 0);
            x = NDArrays.concat(new NDList(zeros, x), 0);
        }
        int steps = chunks > 1 ? CHUNK : Math.toIntExact(n);
        // (chunks, T, M): step t of every chunk of every sequence is one slice
        NDList d = decay.reshape(chunks, steps, m).split(steps, 1);
        NDList xs = x.reshape(chunks, steps, m).split(steps, 1);
        NDList local = new NDList(steps);
        NDList sinceStart = new NDList(steps);
        local.add(xs.get(0));
        sinceStart.add(d.get(0));
        for (int t = 1; t < steps; t++) {
            local.add(xs.get(t).add(d.get(t).mul(local.get(t - 1))));
            sinceStart.add(d.get(t).mul(sinceStart.get(t - 1)));
        }
        if (chunks == 1) {
            return NDArrays.concat(local, 1).reshape(n, m);
        }
        // the state at the end of each chunk, then the one each chunk starts from
        NDArray ends = scanSequences(scope, sinceStart.get(steps - 1).reshape(chunks, m),
                local.get(steps - 1).reshape(chunks, m));
        NDArray incoming =
                NDArrays.concat(new NDList(scope.zeros(new Shape(1, m), x.getDataType()), ends.get(":-1")), 0)
                        .expandDims(1);
        NDList h = new NDList(steps);
        for (int t = 0; t < steps; t++) {
            h.add(local.get(t).add(sinceStart.get(t).mul(incoming)));
        }
        NDArray all = NDArrays.concat(h, 1).reshape(chunks * CHUNK, m);
        return pad > 0 ? all.get(pad + ":") : all;
    }
}
