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
 * Writes a state dict, or a dict of Python values holding state dicts (a training checkpoint), in
 * {@code torch.save}'s zip format, as torch 2 lays it out: {@code archive/data.pkl} (pickle protocol
 * 2; a state dict is an {@code OrderedDict} of {@code torch._utils._rebuild_tensor_v2} calls), one
 * storage record {@code archive/data/N} per tensor aligned to 64 bytes, and the {@code byteorder},
 * {@code version} and {@code .data/version} records. It uses only globals that {@code
 * torch.load(weights_only=True)} allows.
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
        write(path, (Object) stateDict, forceZip64);
    }

    /**
     * @param path the destination, replaced atomically
     * @param root a {@link StateDict}, or a tree of {@link Map} (a dict; keys str or int),
     *     {@link List}, {@link PyTuple}, {@link StateDict}, {@link HostTensor}, {@link String},
     *     {@link Long}/{@link Integer}, {@link Double}/{@link Float}, {@link Boolean} and null
     * @param forceZip64 write ZIP64 records even when not needed (tests that path)
     */
    static void write(Path path, Object root, boolean forceZip64) {
        List<HostTensor> tensors = new ArrayList<>();
        PickleWriter p = new PickleWriter();
        value(p, root, tensors);
        byte[] pickle = p.finish();
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

    private static void value(PickleWriter p, Object v, List<HostTensor> tensors) {
        if (v == null) {
            p.none();
        } else if (v instanceof StateDict sd) {
            p.global("collections", "OrderedDict");
            p.emptyTuple();
            p.reduce();
            items(p, sd.asMap(), tensors);
        } else if (v instanceof Map<?, ?> m) {
            p.emptyDict();
            items(p, m, tensors);
        } else if (v instanceof List<?> l) {
            p.emptyList();
            if (!l.isEmpty()) {
                p.mark();
                for (Object o : l) {
                    value(p, o, tensors);
                }
                p.appends();
            }
        } else if (v instanceof PyTuple t) {
            p.mark();
            for (Object o : t.items()) {
                value(p, o, tensors);
            }
            p.tuple();
        } else if (v instanceof HostTensor t) {
            tensor(p, t, tensors.size());
            tensors.add(t);
        } else if (v instanceof String str) {
            p.string(str);
        } else if (v instanceof Boolean b) {
            p.bool(b);
        } else if (v instanceof Long || v instanceof Integer) {
            p.integer(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            p.floating(((Number) v).doubleValue());
        } else {
            throw new CheckpointException("cannot write a " + v.getClass().getName() + " into a checkpoint");
        }
    }

    private static void items(PickleWriter p, Map<?, ?> m, List<HostTensor> tensors) {
        if (m.isEmpty()) {
            return;
        }
        p.mark();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            value(p, e.getKey(), tensors);
            value(p, e.getValue(), tensors);
        }
        p.setItems();
    }

    private static void tensor(PickleWriter p, HostTensor t, int storage) {
        long[] shape = t.shape();
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.mark();
        // persistent id: ('storage', storage type, key, location, element count)
        p.mark();
        p.string("storage");
        p.global("torch", storageType(t.dtype()));
        p.string(Integer.toString(storage));
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
