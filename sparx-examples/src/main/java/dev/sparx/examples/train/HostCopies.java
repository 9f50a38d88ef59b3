package dev.sparx.examples.train;

import ai.djl.ndarray.NDArray;
import dev.sparx.core.SparxException;
import dev.sparx.core.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Copies between host tensors (checkpoint contents) and the NDArrays that training updates. */
final class HostCopies {

    private HostCopies() {}

    /**
     * Overwrites an array's values in place, keeping its identity (so a parameter stays the same
     * object for the block, the optimiser and the EMA).
     *
     * @param target the array, (any shape)
     * @param source values of the same shape and dtype
     * @param key the state-dict key, for messages
     * @throws SparxException if shape or dtype differ
     */
    static void copyInto(NDArray target, HostTensor source, String key) {
        long[] shape = target.getShape().getShape();
        if (!Arrays.equals(shape, source.shape())) {
            throw new SparxException(
                    "'" + key + "' has shape " + Arrays.toString(source.shape()) + " in the checkpoint, the model has "
                            + Arrays.toString(shape));
        }
        if (HostTensor.toDjl(source.dtype()) != target.getDataType()) {
            throw new SparxException(
                    "'" + key + "' is " + source.dtype().displayName() + " in the checkpoint, the model has "
                            + target.getDataType());
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(source.data().remaining()).order(ByteOrder.nativeOrder());
        direct.put(source.data()).flip();
        target.set(direct);
    }
}
