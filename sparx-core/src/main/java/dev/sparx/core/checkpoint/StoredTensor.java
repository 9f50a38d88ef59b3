package dev.sparx.core.checkpoint;

import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as a checkpoint stores it: a strided view (storage offset, shape, strides, all in
 * elements) into a storage record, checked against the storage's bounds when it is created but not
 * read until {@link #load()}. Loading materialises it as a contiguous {@link HostTensor}; a
 * contiguous view shares the storage's buffer, any other view (transposed, sliced with gaps,
 * expanded with zero strides) is copied.
 */
public final class StoredTensor {

    /** torch tensors have at most 64 dimensions; more is a corrupt file. */
    static final int MAX_RANK = 64;

    private final StorageRecord.Slice storage;
    private final DType dtype;
    private final long storageOffset;
    private final long[] shape;
    private final long[] stride;
    private final long numel;

    private StoredTensor(
            StorageRecord.Slice storage, DType dtype, long storageOffset, long[] shape, long[] stride, long numel) {
        this.storage = storage;
        this.dtype = dtype;
        this.storageOffset = storageOffset;
        this.shape = shape;
        this.stride = stride;
        this.numel = numel;
    }

    /**
     * Creates a view after checking that every element it addresses lies inside the storage slice,
     * as {@code torch._utils._rebuild_tensor_v2} would set it up with {@code Tensor.set_}.
     *
     * @param storage the storage slice the pickle handed over
     * @param dtype element type of the view (differs from the slice's only for untyped storages)
     * @param storageOffset first element, in elements of {@code dtype}
     * @param shape sizes
     * @param stride strides, in elements
     * @param errors reports a bad view
     * @return the view
     * @throws CheckpointException if the view is malformed or reaches past the storage
     */
    static StoredTensor create(
            StorageRecord.Slice storage,
            DType dtype,
            long storageOffset,
            long[] shape,
            long[] stride,
            ErrorSink errors) {
        String what = "tensor view of storage '" + storage.record().name() + "'";
        if (shape.length != stride.length || shape.length > MAX_RANK) {
            throw errors.error(what + " has " + shape.length + " sizes and " + stride.length
                    + " strides; expected equal counts of at most " + MAX_RANK);
        }
        if (storageOffset < 0) {
            throw errors.error(what + " has a negative storage offset " + storageOffset);
        }
        int es = dtype.byteSize();
        long numel = 1;
        long lastIndex = storageOffset;
        try {
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0 || stride[d] < 0) {
                    throw errors.error(what + " has a negative size or stride: shape "
                            + Arrays.toString(shape) + ", stride " + Arrays.toString(stride));
                }
                numel = Math.multiplyExact(numel, shape[d]);
            }
            if (numel > 0) {
                for (int d = 0; d < shape.length; d++) {
                    lastIndex = Math.addExact(lastIndex, Math.multiplyExact(shape[d] - 1, stride[d]));
                }
                long endByte = Math.multiplyExact(lastIndex + 1, (long) es);
                if (endByte > storage.byteLength()) {
                    throw errors.error(what + " with shape " + Arrays.toString(shape) + ", stride "
                            + Arrays.toString(stride) + " and offset " + storageOffset + " needs "
                            + endByte + " bytes of its storage, which holds only " + storage.byteLength()
                            + ": the storage is shorter than the tensor");
                }
            }
            if (Math.multiplyExact(numel, (long) es) > CheckpointFile.MAX_BUFFER) {
                throw errors.error(what + " has " + numel + " elements of " + dtype.displayName()
                        + ", more than one Java buffer holds (2 GiB)");
            }
        } catch (ArithmeticException e) {
            throw errors.error(what + " declares a size beyond 64-bit arithmetic: shape "
                    + Arrays.toString(shape) + ", stride " + Arrays.toString(stride));
        }
        return new StoredTensor(storage, dtype, storageOffset, shape.clone(), stride.clone(), numel);
    }

    /** @return element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the sizes */
    public long[] shape() {
        return shape.clone();
    }

    /** @return a copy of the strides, in elements */
    public long[] stride() {
        return stride.clone();
    }

    /** @return the first element's index in the storage */
    public long storageOffset() {
        return storageOffset;
    }

    /** @return the number of elements */
    public long numel() {
        return numel;
    }

    /** @return the storage record's name, e.g. {@code archive/data/3} */
    public String storageName() {
        return storage.record().name();
    }

    /** @return the bytes a contiguous copy of this view takes */
    long materialisedBytes() {
        return numel * dtype.byteSize();
    }

    /** @return the bytes of the storage slice this view reads from */
    long storageBytes() {
        return storage.byteLength();
    }

    StorageRecord record() {
        return storage.record();
    }

    /**
     * @return whether the elements lie in row-major order without gaps (torch's {@code
     *     is_contiguous}: strides of size-1 dimensions do not matter)
     */
    public boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Reads the storage and materialises this view.
     *
     * @return a contiguous tensor
     * @throws CheckpointException if the storage cannot be read
     */
    public HostTensor load() {
        return materialise(storage.record().read());
    }

    /**
     * Materialises this view from its storage's bytes: a contiguous view shares them, any other
     * is copied.
     *
     * @param record the whole storage record, little-endian, position 0
     * @return a contiguous tensor
     */
    HostTensor materialise(ByteBuffer record) {
        int es = dtype.byteSize();
        int size = (int) materialisedBytes();
        if (numel == 0) {
            return new HostTensor(dtype, shape, ByteBuffer.allocate(0));
        }
        int start = (int) (storage.byteOffset() + storageOffset * es);
        if (isContiguous()) {
            return new HostTensor(dtype, shape, record.duplicate().limit(start + size).position(start));
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int rank = shape.length;
        int inner = rank - 1;
        int rowLen = (int) shape[inner];
        long innerStep = stride[inner] * es;
        long[] index = new long[inner];
        long base = start;
        int dst = 0;
        while (true) {
            if (stride[inner] == 1) {
                out.put(dst, record, (int) base, rowLen * es);
                dst += rowLen * es;
            } else {
                for (int j = 0; j < rowLen; j++) {
                    out.put(dst, record, (int) (base + j * innerStep), es);
                    dst += es;
                }
            }
            int d = inner - 1;
            while (d >= 0) {
                index[d]++;
                base += stride[d] * es;
                if (index[d] < shape[d]) {
                    break;
                }
                base -= shape[d] * stride[d] * es;
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return new HostTensor(dtype, shape, out);
            }
        }
    }

    @Override
    public String toString() {
        return dtype.displayName() + Arrays.toString(shape);
    }
}
