package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Moves weights between a state dict (the authors' keys, as read from a checkpoint) and a network's
 * parameters, through {@link StateDictKeys}'s one rule. Floating-point entries of any precision load
 * into the float32 parameters; integer entries (num_batches_tracked) into the int64 ones.
 */
public final class StateDictLoader {

    private StateDictLoader() {}

    /**
     * Loads a state dict that must fit the network exactly. Nothing is loaded unless everything fits.
     *
     * @param network an initialised network
     * @param stateDict the weights
     * @return the report (always exact)
     * @throws StateDictMismatchException listing together every missing key, unexpected key and shape
     *     or dtype mismatch
     */
    public static LoadReport load(Block network, StateDict stateDict) {
        return load(network, stateDict, true);
    }

    /**
     * Loads a state dict.
     *
     * @param network an initialised network
     * @param stateDict the weights
     * @param strict whether anything but an exact fit is an error; when false, the entries that fit
     *     are loaded and the report says what was skipped (a new classifier head, say)
     * @return what was loaded and skipped
     * @throws StateDictMismatchException in strict mode, listing every problem together
     */
    public static LoadReport load(Block network, StateDict stateDict, boolean strict) {
        Map<String, Parameter> params = StateDictKeys.of(network);
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<Map.Entry<Parameter, HostTensor>> fitting = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String key = e.getKey();
            Parameter p = e.getValue();
            if (!p.isInitialized()) {
                throw new SparxException(
                        "parameter '" + key + "' is not initialised: initialise the network (with an input shape)"
                                + " before loading a state dict");
            }
            if (!stateDict.contains(key)) {
                missing.add(key);
                continue;
            }
            HostTensor t = stateDict.get(key);
            NDArray target = p.getArray();
            boolean targetFloat = target.getDataType().isFloating();
            boolean kindFits = targetFloat ? t.dtype().isFloating() : !t.dtype().isFloating();
            if (!Arrays.equals(t.shape(), target.getShape().getShape()) || !kindFits) {
                mismatched.add(key + ": checkpoint " + t + ", model " + HostTensor.fromDjl(target.getDataType()).displayName()
                        + Arrays.toString(target.getShape().getShape()));
            } else {
                fitting.add(Map.entry(p, t));
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : stateDict.keys()) {
            if (!params.containsKey(key)) {
                unexpected.add(key);
            }
        }
        LoadReport report = new LoadReport(fitting.size(), missing, unexpected, mismatched);
        if (strict && !report.isExact()) {
            throw new StateDictMismatchException(report);
        }
        for (Map.Entry<Parameter, HostTensor> e : fitting) {
            copy(e.getValue(), e.getKey().getArray());
        }
        return report;
    }

    /**
     * Copies the network's parameters and buffers out under the authors' keys, in their order:
     * the key set of a released checkpoint, ready to be written as a {@code .pth} file.
     *
     * @param network an initialised network
     * @return the state dict
     */
    public static StateDict export(Block network) {
        StateDict out = new StateDict();
        for (Map.Entry<String, Parameter> e : StateDictKeys.of(network).entrySet()) {
            out.put(e.getKey(), HostTensor.fromNDArray(e.getValue().getArray()));
        }
        return out;
    }

    private static void copy(HostTensor source, NDArray target) {
        DataType type = target.getDataType();
        int n = Math.toIntExact(source.numel());
        ByteBuffer buffer = ByteBuffer.allocateDirect(n * type.getNumOfBytes()).order(ByteOrder.nativeOrder());
        if (HostTensor.toDjl(source.dtype()) == type) {
            // checkpoints are little-endian, as is every platform libtorch runs on
            buffer.put(source.data());
        } else if (type == DataType.FLOAT32) {
            buffer.asFloatBuffer().put(source.toFloatArray());
        } else if (type == DataType.INT64) {
            buffer.asLongBuffer().put(source.toLongArray());
        } else {
            throw new SparxException("cannot load a " + source.dtype().displayName() + " entry into a " + type
                    + " parameter");
        }
        buffer.rewind();
        target.set(buffer);
    }
}
