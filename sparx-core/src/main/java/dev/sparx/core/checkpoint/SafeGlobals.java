package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allowlist of Python globals a checkpoint's pickle may name, and what each one means. This is
 * the security model of checkpoint reading: a pickle can only call what its {@code GLOBAL} opcodes
 * name, and every name outside this list is refused with an error that names it. The allowed names
 * are never executed either: each is interpreted here as data (a tensor view, a dict, a record).
 */
final class SafeGlobals {

    /** What an allowed global does when a pickle calls, instantiates or builds it. */
    enum Kind {
        ORDERED_DICT,
        REBUILD_TENSOR,
        REBUILD_TENSOR_V2,
        REBUILD_TENSOR_V3,
        REBUILD_PARAMETER,
        REBUILD_PARAMETER_WITH_STATE,
        REBUILD_FROM_TYPE_V2,
        TENSOR_CLASS,
        STORAGE_TYPE,
        DTYPE,
        RECORD_CLASS,
        CODECS_ENCODE,
        SET,
        FROZENSET,
        BYTEARRAY,
        RECONSTRUCTOR,
        OBJECT,
        TORCH_SIZE,
        NUMPY_SCALAR
    }

    private static final Set<Kind> TENSOR_REBUILDERS = EnumSet.of(
            Kind.REBUILD_TENSOR,
            Kind.REBUILD_TENSOR_V2,
            Kind.REBUILD_TENSOR_V3,
            Kind.REBUILD_PARAMETER,
            Kind.REBUILD_PARAMETER_WITH_STATE);
    private static final Map<String, Kind> ALLOWED = new HashMap<>();
    private static final Map<String, DType> STORAGE_DTYPES = new HashMap<>();
    private static final Map<String, DType> TORCH_DTYPES = new HashMap<>();
    private static final Set<String> UNSUPPORTED_TORCH = Set.of(
            "torch._utils._rebuild_qtensor",
            "torch._utils._rebuild_sparse_tensor",
            "torch._utils._rebuild_sparse_csr_tensor",
            "torch._utils._rebuild_nested_tensor",
            "torch._utils._rebuild_meta_tensor_no_storage",
            "torch._utils._rebuild_device_tensor_from_numpy",
            "torch._utils._rebuild_wrapper_subclass",
            "torch._utils._rebuild_xla_tensor",
            "torch.ComplexFloatStorage",
            "torch.ComplexDoubleStorage",
            "torch.QInt8Storage",
            "torch.QUInt8Storage",
            "torch.QInt32Storage",
            "torch.QUInt4x2Storage",
            "torch.QUInt2x4Storage",
            "torch.complex64",
            "torch.complex128",
            "torch.uint16",
            "torch.uint32",
            "torch.uint64",
            "torch.float8_e4m3fn",
            "torch.float8_e5m2");

    static {
        ALLOWED.put("collections.OrderedDict", Kind.ORDERED_DICT);
        ALLOWED.put("torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR);
        ALLOWED.put("torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2);
        ALLOWED.put("torch._utils._rebuild_tensor_v3", Kind.REBUILD_TENSOR_V3);
        ALLOWED.put("torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER);
        ALLOWED.put("torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE);
        ALLOWED.put("torch._tensor._rebuild_from_type_v2", Kind.REBUILD_FROM_TYPE_V2);
        ALLOWED.put("torch.Tensor", Kind.TENSOR_CLASS);
        ALLOWED.put("torch._tensor.Tensor", Kind.TENSOR_CLASS);
        ALLOWED.put("torch.nn.parameter.Parameter", Kind.TENSOR_CLASS);
        ALLOWED.put("argparse.Namespace", Kind.RECORD_CLASS);
        ALLOWED.put("torch.device", Kind.RECORD_CLASS);
        ALLOWED.put("numpy.dtype", Kind.RECORD_CLASS);
        ALLOWED.put("_codecs.encode", Kind.CODECS_ENCODE);
        ALLOWED.put("builtins.set", Kind.SET);
        ALLOWED.put("builtins.frozenset", Kind.FROZENSET);
        ALLOWED.put("builtins.bytearray", Kind.BYTEARRAY);
        ALLOWED.put("builtins.object", Kind.OBJECT);
        ALLOWED.put("copyreg._reconstructor", Kind.RECONSTRUCTOR);
        ALLOWED.put("torch.Size", Kind.TORCH_SIZE);
        ALLOWED.put("numpy.core.multiarray.scalar", Kind.NUMPY_SCALAR);
        ALLOWED.put("numpy._core.multiarray.scalar", Kind.NUMPY_SCALAR);
        storage("FloatStorage", DType.FLOAT32);
        storage("HalfStorage", DType.FLOAT16);
        storage("BFloat16Storage", DType.BFLOAT16);
        storage("DoubleStorage", DType.FLOAT64);
        storage("CharStorage", DType.INT8);
        storage("ShortStorage", DType.INT16);
        storage("IntStorage", DType.INT32);
        storage("LongStorage", DType.INT64);
        storage("ByteStorage", DType.UINT8);
        storage("BoolStorage", DType.BOOL);
        storage("UntypedStorage", DType.UINT8);
        dtype(DType.FLOAT32, "float32", "float");
        dtype(DType.FLOAT16, "float16", "half");
        dtype(DType.BFLOAT16, "bfloat16");
        dtype(DType.FLOAT64, "float64", "double");
        dtype(DType.INT8, "int8");
        dtype(DType.INT16, "int16", "short");
        dtype(DType.INT32, "int32", "int");
        dtype(DType.INT64, "int64", "long");
        dtype(DType.UINT8, "uint8");
        dtype(DType.BOOL, "bool");
    }

    private static void storage(String name, DType t) {
        ALLOWED.put("torch." + name, Kind.STORAGE_TYPE);
        STORAGE_DTYPES.put("torch." + name, t);
    }

    private static void dtype(DType t, String... names) {
        for (String n : names) {
            ALLOWED.put("torch." + n, Kind.DTYPE);
            TORCH_DTYPES.put("torch." + n, t);
        }
    }

    private final ErrorSink errors;

    /**
     * @param errors reports refusals and malformed calls, naming the file and pickle offset
     */
    SafeGlobals(ErrorSink errors) {
        this.errors = errors;
    }

    /**
     * Looks a global up in the allowlist.
     *
     * @param module the module a pickle names, e.g. {@code torch._utils}
     * @param name the name in it
     * @return the global
     * @throws CheckpointException if it is not allowed
     */
    PyGlobal resolve(String module, String name) {
        // Python 2 names, as pickle's fix_imports maps them
        String mod = switch (module) {
            case "__builtin__" -> "builtins";
            case "copy_reg" -> "copyreg";
            default -> module;
        };
        String qualified = mod + "." + name;
        Kind kind = ALLOWED.get(qualified);
        if (kind != null) {
            return new PyGlobal(mod, name, kind);
        }
        if (UNSUPPORTED_TORCH.contains(qualified)) {
            throw errors.error("the pickle uses '" + qualified + "': complex, quantized, sparse, nested, meta"
                    + " and device-specific tensors and dtypes beyond float16/bfloat16/float32/float64,"
                    + " int8-64, uint8 and bool are not supported");
        }
        throw errors.error("the pickle refers to the global '" + qualified + "', which is not on the"
                + " allowlist of checkpoint contents (tensors, storages, dtypes, OrderedDict,"
                + " argparse.Namespace, plain Python values); refusing to load it, nothing was run");
    }

    /**
     * Interprets a pickle {@code REDUCE}: calling a global with positional arguments.
     *
     * @param callable what the pickle calls
     * @param args the arguments
     * @return the value the call stands for
     */
    Object call(Object callable, Object args) {
        PyGlobal g = global(callable, "call");
        PyTuple a = tuple(args, "arguments of " + g);
        return switch (g.kind()) {
            case ORDERED_DICT -> orderedDict(a, g);
            case REBUILD_TENSOR -> rebuildTensor(a, g, 4, 4, false);
            case REBUILD_TENSOR_V2 -> rebuildTensor(a, g, 6, 7, false);
            case REBUILD_TENSOR_V3 -> rebuildTensor(a, g, 7, 8, true);
            case REBUILD_PARAMETER -> parameterData(a, g, 3);
            case REBUILD_PARAMETER_WITH_STATE -> parameterData(a, g, 4);
            case REBUILD_FROM_TYPE_V2 -> rebuildFromType(a, g);
            case RECORD_CLASS -> new PyObject(g.qualifiedName(), a);
            case CODECS_ENCODE -> encode(a, g);
            case SET, FROZENSET -> set(a, g);
            case BYTEARRAY -> bytearray(a, g);
            case RECONSTRUCTOR -> reconstruct(a, g);
            case TORCH_SIZE -> torchSize(a, g);
            case NUMPY_SCALAR -> numpyScalar(a, g);
            case TENSOR_CLASS, STORAGE_TYPE, DTYPE, OBJECT -> throw errors.error(
                    "the pickle calls " + g + ", which a checkpoint only names, never calls");
        };
    }

    /**
     * Interprets {@code NEWOBJ}: {@code cls.__new__(cls, *args)}.
     *
     * @param cls the class
     * @param args the arguments
     * @return the new value
     */
    Object instantiate(Object cls, Object args) {
        PyGlobal g = global(cls, "instantiate");
        return switch (g.kind()) {
            case ORDERED_DICT, RECORD_CLASS, SET, FROZENSET, TORCH_SIZE -> call(g, args);
            default -> throw errors.error("the pickle instantiates " + g + ", which is not a class it may create");
        };
    }

    /**
     * Interprets {@code BUILD}: setting an object's state.
     *
     * @param target the object
     * @param state the state
     */
    void build(Object target, Object state) {
        if (target instanceof PyObject o) {
            o.setState(state);
        } else if (!(target instanceof Map<?, ?> || target instanceof StoredTensor)) {
            // an OrderedDict's state (e.g. a state dict's _metadata) and a tensor's Python
            // attributes carry nothing a state dict needs, so only the targets are checked
            throw errors.error("the pickle sets the state of a " + typeName(target) + ", which has none");
        }
    }

    private PyGlobal global(Object o, String action) {
        if (o instanceof PyGlobal g) {
            return g;
        }
        throw errors.error("the pickle tries to " + action + " a " + typeName(o) + ", which is not callable");
    }

    private PyTuple tuple(Object o, String what) {
        if (o instanceof PyTuple t) {
            return t;
        }
        throw errors.error(what + " must be a tuple, found a " + typeName(o));
    }

    private void arity(PyTuple a, PyGlobal g, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw errors.error(g + " called with " + a.size() + " arguments; expected "
                    + (min == max ? String.valueOf(min) : min + " to " + max));
        }
    }

    private Map<Object, Object> orderedDict(PyTuple a, PyGlobal g) {
        arity(a, g, 0, 1);
        Map<Object, Object> map = new LinkedHashMap<>();
        if (a.size() == 1) {
            Object src = a.get(0);
            if (src instanceof Map<?, ?> m) {
                map.putAll(m);
            } else {
                for (Object pair : sequence(src, "argument of " + g)) {
                    if (!(pair instanceof PyTuple p) || p.size() != 2) {
                        throw errors.error("items of " + g + " must be (key, value) pairs");
                    }
                    map.put(key(p.get(0)), p.get(1));
                }
            }
        }
        return map;
    }

    /**
     * Checks that a value may be a dict key or set member, as Python would hash it.
     *
     * @param k the candidate
     * @return it
     */
    Object key(Object k) {
        if (PyTuple.isHashableScalar(k) || k instanceof PyTuple t && t.hashable()) {
            return k;
        }
        throw errors.error("the pickle uses a " + typeName(k) + " as a dict key or set member");
    }

    private StoredTensor rebuildTensor(PyTuple a, PyGlobal g, int min, int max, boolean typedByArgument) {
        arity(a, g, min, max);
        if (!(a.get(0) instanceof StorageRecord.Slice storage)) {
            throw errors.error(g + " expects a storage first, found a " + typeName(a.get(0)));
        }
        long offset = integer(a.get(1), "storage offset");
        long[] shape = integers(a.get(2), "size");
        long[] stride = integers(a.get(3), "stride");
        DType dtype = storage.dtype();
        if (typedByArgument) {
            dtype = dtype(a.get(6));
            if (storage.byteLength() % dtype.byteSize() != 0) {
                throw errors.error("storage '" + storage.record().name() + "' of " + storage.byteLength()
                        + " bytes does not hold whole " + dtype.displayName() + " elements");
            }
        }
        return StoredTensor.create(storage, dtype, offset, shape, stride, errors);
    }

    private DType dtype(Object o) {
        if (o instanceof PyGlobal g && g.kind() == Kind.DTYPE) {
            return TORCH_DTYPES.get(g.qualifiedName());
        }
        throw errors.error("expected a torch dtype, found a " + typeName(o));
    }

    /**
     * @param storageType a storage class a persistent id names, e.g. {@code torch.FloatStorage}
     * @return its element type
     */
    DType storageDType(Object storageType) {
        if (storageType instanceof PyGlobal g && g.kind() == Kind.STORAGE_TYPE) {
            return STORAGE_DTYPES.get(g.qualifiedName());
        }
        throw errors.error("expected a torch storage type in a persistent id, found a " + typeName(storageType));
    }

    private StoredTensor parameterData(PyTuple a, PyGlobal g, int n) {
        arity(a, g, n, n);
        if (a.get(0) instanceof StoredTensor t) {
            return t;
        }
        throw errors.error(g + " expects a tensor first, found a " + typeName(a.get(0)));
    }

    private Object rebuildFromType(PyTuple a, PyGlobal g) {
        arity(a, g, 4, 4);
        if (!(a.get(1) instanceof PyGlobal type && type.kind() == Kind.TENSOR_CLASS)) {
            throw errors.error(g + " may only rebuild torch.Tensor or Parameter, found " + a.get(1));
        }
        if (!(a.get(0) instanceof PyGlobal func) || !TENSOR_REBUILDERS.contains(func.kind())) {
            throw errors.error(g + " may only apply a tensor rebuild function, found " + typeName(a.get(0)));
        }
        return call(func, a.get(2));
    }

    private byte[] encode(PyTuple a, PyGlobal g) {
        arity(a, g, 1, 2);
        if (!(a.get(0) instanceof String s)) {
            throw errors.error(g + " expects a str, found a " + typeName(a.get(0)));
        }
        Object enc = a.size() == 2 ? a.get(1) : "utf-8";
        if ("latin1".equals(enc) || "latin-1".equals(enc)) {
            byte[] out = new byte[s.length()];
            for (int i = 0; i < out.length; i++) {
                char c = s.charAt(i);
                if (c > 0xff) {
                    throw errors.error(g + ": character U+" + Integer.toHexString(c) + " is not latin-1");
                }
                out[i] = (byte) c;
            }
            return out;
        }
        if ("utf-8".equals(enc) || "utf8".equals(enc)) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw errors.error(g + ": unsupported encoding " + enc);
    }

    private Set<Object> set(PyTuple a, PyGlobal g) {
        arity(a, g, 0, 1);
        Set<Object> set = new LinkedHashSet<>();
        if (a.size() == 1) {
            for (Object o : sequence(a.get(0), "argument of " + g)) {
                set.add(key(o));
            }
        }
        return set;
    }

    private byte[] bytearray(PyTuple a, PyGlobal g) {
        arity(a, g, 0, 1);
        if (a.size() == 0) {
            return new byte[0];
        }
        if (a.get(0) instanceof byte[] b) {
            return b.clone();
        }
        throw errors.error(g + " expects bytes, found a " + typeName(a.get(0)));
    }

    private PyObject reconstruct(PyTuple a, PyGlobal g) {
        arity(a, g, 3, 3);
        if (a.get(0) instanceof PyGlobal cls && cls.kind() == Kind.RECORD_CLASS
                && a.get(1) instanceof PyGlobal base && base.kind() == Kind.OBJECT
                && a.get(2) == null) {
            return new PyObject(cls.qualifiedName(), new PyTuple(List.of()));
        }
        throw errors.error(g + " may only recreate an allowlisted record class from builtins.object");
    }

    private PyTuple torchSize(PyTuple a, PyGlobal g) {
        arity(a, g, 0, 1);
        List<Object> dims = new ArrayList<>();
        if (a.size() == 1) {
            for (long d : integers(a.get(0), "torch.Size")) {
                dims.add(d);
            }
        }
        return new PyTuple(dims);
    }

    private Object numpyScalar(PyTuple a, PyGlobal g) {
        arity(a, g, 2, 2);
        if (!(a.get(0) instanceof PyObject dt && dt.className().equals("numpy.dtype")
                && dt.args().size() >= 1 && dt.args().get(0) instanceof String code
                && a.get(1) instanceof byte[] raw)) {
            throw errors.error(g + " expects a numpy dtype and bytes");
        }
        boolean big = dt.state() instanceof PyTuple st && st.size() > 1 && ">".equals(st.get(1));
        ByteBuffer b = ByteBuffer.wrap(raw).order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int need = switch (code) {
            case "b1", "i1", "u1" -> 1;
            case "i2", "u2", "f2" -> 2;
            case "i4", "u4", "f4" -> 4;
            case "i8", "u8", "f8" -> 8;
            default -> throw errors.error(g + ": numpy scalar type '" + code + "' is not supported");
        };
        if (raw.length != need) {
            throw errors.error(g + ": numpy '" + code + "' scalar has " + raw.length + " bytes, expected " + need);
        }
        return switch (code) {
            case "b1" -> raw[0] != 0;
            case "i1" -> (long) raw[0];
            case "u1" -> (long) (raw[0] & 0xff);
            case "i2" -> (long) b.getShort();
            case "u2" -> (long) (b.getShort() & 0xffff);
            case "f2" -> (double) HalfFloats.float16ToFloat(b.getShort());
            case "i4" -> (long) b.getInt();
            case "u4" -> b.getInt() & 0xffffffffL;
            case "f4" -> (double) b.getFloat();
            case "i8", "u8" -> b.getLong();
            default -> b.getDouble();
        };
    }

    private Collection<?> sequence(Object o, String what) {
        if (o instanceof List<?> l) {
            return l;
        }
        if (o instanceof PyTuple t) {
            return t.items();
        }
        if (o instanceof Set<?> s) {
            return s;
        }
        throw errors.error(what + " must be a list or tuple, found a " + typeName(o));
    }

    private long integer(Object o, String what) {
        if (o instanceof Long l) {
            return l;
        }
        throw errors.error(what + " must be an int below 2^63, found a " + typeName(o));
    }

    private long[] integers(Object o, String what) {
        if (!(o instanceof PyTuple t)) {
            throw errors.error(what + " must be a tuple of ints, found a " + typeName(o));
        }
        if (t.size() > StoredTensor.MAX_RANK) {
            throw errors.error(what + " has " + t.size() + " dimensions; torch allows " + StoredTensor.MAX_RANK);
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integer(t.get(i), what);
        }
        return out;
    }

    /**
     * Names a value's Python type for error messages.
     *
     * @param o an unpickled value
     * @return e.g. {@code str}, {@code list}, {@code tensor}
     */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Long || o instanceof java.math.BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof PyTuple) {
            return "tuple";
        }
        if (o instanceof List<?>) {
            return "list";
        }
        if (o instanceof Map<?, ?>) {
            return "dict";
        }
        if (o instanceof Set<?>) {
            return "set";
        }
        if (o instanceof StoredTensor) {
            return "tensor";
        }
        if (o instanceof StorageRecord.Slice) {
            return "storage";
        }
        if (o instanceof PyGlobal g) {
            return "global " + g.qualifiedName();
        }
        if (o instanceof PyObject p) {
            return p.className();
        }
        return o.getClass().getSimpleName();
    }
}
