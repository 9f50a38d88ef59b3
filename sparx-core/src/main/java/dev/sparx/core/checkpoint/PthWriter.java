package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a state dict in {@code torch.save}'s zip format, as torch 2 lays it out: {@code
 * archive/data.pkl} (an {@code OrderedDict} of {@code torch._utils._rebuild_tensor_v2} calls, pickle
 * protocol 2), one storage record {@code archive/data/N} per tensor aligned to 64 bytes, and the
 * {@code byteorder}, {@code version} and {@code .data/version} records. It uses only globals that
 * {@code torch.load(weights_only=True)} allows.
 */
final class PthWriter {

    private static final String PREFIX = "archive/";
    private static final String FORMAT_VERSION = "3\n";

    private PthWriter() {}

    /**
     * @param path the destination, replaced atomically
     * @param stateDict the tensors
     */
    static void write(Path path, StateDict stateDict) {
        write(path, stateDict, false);
    }

    /**
     * @param path the destination, replaced atomically
     * @param stateDict the tensors
     * @param forceZip64 write ZIP64 records even when not needed (tests that path)
     */
    static void write(Path path, StateDict stateDict, boolean forceZip64) {
        List<HostTensor> tensors = new ArrayList<>(stateDict.asMap().values());
        byte[] pickle = pickle(stateDict);
        AtomicWrite.write(path, (FileChannel out) -> {
            ZipWriter zip = new ZipWriter(out, forceZip64);
            zip.add(PREFIX + "data.pkl", ByteBuffer.wrap(pickle));
            zip.add(PREFIX + "byteorder", ascii("little"));
            for (int i = 0; i < tensors.size(); i++) {
                zip.add(PREFIX + "data/" + i, tensors.get(i).data());
            }
            zip.add(PREFIX + "version", ascii(FORMAT_VERSION));
            zip.add(PREFIX + ".data/version", ascii(FORMAT_VERSION));
            zip.finish();
        });
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] pickle(StateDict stateDict) {
        PickleWriter p = new PickleWriter();
        p.global("collections", "OrderedDict");
        p.emptyTuple();
        p.reduce();
        p.mark();
        int storage = 0;
        for (Map.Entry<String, HostTensor> e : stateDict.asMap().entrySet()) {
            HostTensor t = e.getValue();
            long[] shape = t.shape();
            p.string(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.mark();
            // persistent id: ('storage', storage type, key, location, element count)
            p.mark();
            p.string("storage");
            p.global("torch", storageType(t.dtype()));
            p.string(Integer.toString(storage++));
            p.string("cpu");
            p.integer(t.numel());
            p.tuple();
            p.persistentId();
            p.integer(0);
            longs(p, shape);
            longs(p, contiguousStrides(shape));
            p.bool(false);
            p.global("collections", "OrderedDict");
            p.emptyTuple();
            p.reduce();
            p.tuple();
            p.reduce();
        }
        p.setItems();
        return p.finish();
    }

    private static void longs(PickleWriter p, long[] values) {
        p.mark();
        for (long v : values) {
            p.integer(v);
        }
        p.tuple();
    }

    /**
     * @param shape sizes
     * @return the strides of a contiguous row-major tensor of that shape, in elements
     */
    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return stride;
    }

    private static String storageType(DType t) {
        return switch (t) {
            case FLOAT32 -> "FloatStorage";
            case FLOAT16 -> "HalfStorage";
            case BFLOAT16 -> "BFloat16Storage";
            case FLOAT64 -> "DoubleStorage";
            case INT8 -> "CharStorage";
            case INT16 -> "ShortStorage";
            case INT32 -> "IntStorage";
            case INT64 -> "LongStorage";
            case UINT8 -> "ByteStorage";
            case BOOL -> "BoolStorage";
        };
    }
}
