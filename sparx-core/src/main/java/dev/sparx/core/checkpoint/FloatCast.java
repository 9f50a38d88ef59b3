package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HalfFloats;
import dev.sparx.core.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Converts the floating-point tensors of a state dict to another floating-point dtype, as {@code
 * {k: v.to(dtype) if v.is_floating_point() else v}} does in torch; integer and bool tensors (such
 * as BatchNorm's {@code num_batches_tracked}) keep their type. Rounding is to nearest even; float64
 * goes through float32 first, as torch's {@code Half(float)} and {@code BFloat16(float)} do.
 */
public final class FloatCast {

    private FloatCast() {}

    /**
     * @param stateDict the tensors
     * @param target {@code float16}, {@code bfloat16}, {@code float32} or {@code float64}
     * @return a new state dict, same keys and order
     * @throws CheckpointException if the target is not a floating-point type
     */
    public static StateDict toFloating(StateDict stateDict, DType target) {
        if (!target.isFloating()) {
            throw new CheckpointException("cannot convert a state dict to " + target.displayName()
                    + "; the target must be float16, bfloat16, float32 or float64");
        }
        StateDict out = new StateDict();
        for (Map.Entry<String, HostTensor> e : stateDict.asMap().entrySet()) {
            HostTensor t = e.getValue();
            out.put(e.getKey(), t.dtype().isFloating() ? cast(t, target) : t);
        }
        return out;
    }

    /**
     * @param t a floating-point tensor
     * @param target a floating-point dtype
     * @return the tensor in that dtype (the same object when it already is)
     * @throws CheckpointException if either dtype is not floating-point
     */
    public static HostTensor cast(HostTensor t, DType target) {
        if (!t.dtype().isFloating() || !target.isFloating()) {
            throw new CheckpointException("cannot cast " + t.dtype().displayName() + " to "
                    + target.displayName() + ": only floating-point tensors are converted");
        }
        if (t.dtype() == target) {
            return t;
        }
        int n = Math.toIntExact(t.numel());
        ByteBuffer out = ByteBuffer.allocate(n * target.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        if (target == DType.FLOAT64) {
            out.asDoubleBuffer().put(t.toDoubleArray());
        } else {
            float[] values = t.toFloatArray();
            for (int i = 0; i < n; i++) {
                switch (target) {
                    case FLOAT32 -> out.putFloat(4 * i, values[i]);
                    case FLOAT16 -> out.putShort(2 * i, HalfFloats.floatToFloat16(values[i]));
                    default -> out.putShort(2 * i, HalfFloats.floatToBfloat16(values[i]));
                }
            }
        }
        return new HostTensor(target, t.shape(), out);
    }
}
