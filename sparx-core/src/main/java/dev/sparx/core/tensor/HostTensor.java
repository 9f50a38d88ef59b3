package dev.sparx.core.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense tensor in host memory: a dtype, a shape and its elements in row-major order,
 * little-endian. This is what checkpoints and {@code .npy} files are read into and written from;
 * {@link #toNDArray(NDManager)} hands it to DJL.
 */
public final class HostTensor {

    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * Wraps contiguous little-endian data.
     *
     * @param dtype element type
     * @param shape dimensions; empty for a scalar
     * @param data exactly {@code numel(shape) * dtype.byteSize()} bytes, from position 0
     * @throws SparxException if the buffer size disagrees with the shape
     */
    public HostTensor(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long expected = numel(shape) * dtype.byteSize();
        if (data.remaining() != expected) {
            throw new SparxException(
                    "tensor of shape "
                            + Arrays.toString(shape)
                            + " and dtype "
                            + dtype.displayName()
                            + " needs "
                            + expected
                            + " bytes, got "
                            + data.remaining());
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Creates a float32 tensor from values.
     *
     * @param shape dimensions
     * @param values elements in row-major order
     * @return the tensor
     */
    public static HostTensor ofFloats(long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new HostTensor(DType.FLOAT32, shape, b);
    }

    /**
     * Copies an NDArray to host memory.
     *
     * @param array any supported dtype
     * @return the tensor
     */
    public static HostTensor fromNDArray(NDArray array) {
        DType t = fromDjl(array.getDataType());
        ByteBuffer src = array.toByteBuffer();
        ByteBuffer copy = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(src.order(ByteOrder.LITTLE_ENDIAN)).flip();
        return new HostTensor(t, array.getShape().getShape(), copy);
    }

    /** @return element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the dimensions */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the number of elements */
    public long numel() {
        return numel(shape);
    }

    /** @return a read-only little-endian view of the raw bytes */
    public ByteBuffer data() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The elements widened (or narrowed, for float64) to float32.
     *
     * @return a new array of {@link #numel()} floats
     */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            out[i] = (float) readDouble(b, i);
        }
        return out;
    }

    /**
     * The elements as float64.
     *
     * @return a new array of {@link #numel()} doubles
     */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numel());
        double[] out = new double[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            out[i] = readDouble(b, i);
        }
        return out;
    }

    /**
     * The elements as int64 (floating types are truncated).
     *
     * @return a new array of {@link #numel()} longs
     */
    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case INT8 -> out[i] = b.get(i);
                case UINT8, BOOL -> out[i] = b.get(i) & 0xff;
                case INT16 -> out[i] = b.getShort(2 * i);
                case INT32 -> out[i] = b.getInt(4 * i);
                case INT64 -> out[i] = b.getLong(8 * i);
                default -> out[i] = (long) readDouble(b, i);
            }
        }
        return out;
    }

    private double readDouble(ByteBuffer b, int i) {
        return switch (dtype) {
            case FLOAT32 -> b.getFloat(4 * i);
            case FLOAT64 -> b.getDouble(8 * i);
            case FLOAT16 -> HalfFloats.float16ToFloat(b.getShort(2 * i));
            case BFLOAT16 -> HalfFloats.bfloat16ToFloat(b.getShort(2 * i));
            case INT8 -> b.get(i);
            case UINT8, BOOL -> b.get(i) & 0xff;
            case INT16 -> b.getShort(2 * i);
            case INT32 -> b.getInt(4 * i);
            case INT64 -> b.getLong(8 * i);
        };
    }

    /**
     * Copies this tensor into an NDArray of the same dtype and shape.
     *
     * @param manager owner of the new array
     * @return the array
     */
    public NDArray toNDArray(NDManager manager) {
        ByteBuffer direct = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.nativeOrder());
        direct.put(data()).flip();
        return manager.create(direct, new Shape(shape), toDjl(dtype));
    }

    /**
     * Maps to DJL's data type.
     *
     * @param t our type
     * @return DJL's
     */
    public static DataType toDjl(DType t) {
        return switch (t) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
            case FLOAT64 -> DataType.FLOAT64;
            case INT8 -> DataType.INT8;
            case INT16 -> DataType.INT16;
            case INT32 -> DataType.INT32;
            case INT64 -> DataType.INT64;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    /**
     * Maps from DJL's data type.
     *
     * @param t DJL's type
     * @return ours
     * @throws SparxException for types checkpoints do not hold
     */
    public static DType fromDjl(DataType t) {
        return switch (t) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            case FLOAT64 -> DType.FLOAT64;
            case INT8 -> DType.INT8;
            case INT16 -> DType.INT16;
            case INT32 -> DType.INT32;
            case INT64 -> DType.INT64;
            case UINT8 -> DType.UINT8;
            case BOOLEAN -> DType.BOOL;
            default -> throw new SparxException("NDArray dtype " + t + " cannot be stored in a checkpoint");
        };
    }

    /**
     * The number of elements of a shape.
     *
     * @param shape dimensions
     * @return their product (1 for a scalar)
     */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new SparxException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return dtype.displayName() + Arrays.toString(shape);
    }
}
