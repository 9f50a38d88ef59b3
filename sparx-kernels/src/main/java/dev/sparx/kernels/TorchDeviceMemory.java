package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import dev.sparx.core.SparxException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Direct buffers over the storage of PyTorch-engine tensors wherever they live, a GPU included.
 *
 * <p>DJL's public {@link NDArray#toByteBuffer(boolean)} copies a GPU tensor to the host first. The
 * engine's JNI layer has the call underneath it, {@code PyTorchLibrary.torchDirectByteBuffer(handle)}
 * (DJL 0.36), which wraps {@code tensor.data_ptr()} and {@code nbytes()} in a direct buffer without
 * looking at the device; for a CUDA tensor the buffer's address is therefore a device pointer
 * (never to be read from Java), and the JNI code of the CUDA kernel takes it from there. That class
 * is package-private, so it is reached by reflection, which works on the class path and for DJL's
 * automatic modules. It refuses non-contiguous tensors, so contiguity is checked first through its
 * {@code torchIsContiguous}. The buffer is valid while the tensor is open.
 */
final class TorchDeviceMemory {

    private static final Object LIBRARY;
    private static final Method DIRECT_BUFFER;
    private static final Method IS_CONTIGUOUS;
    private static final String FAILURE;

    static {
        Object library = null;
        Method directBuffer = null;
        Method isContiguous = null;
        String failure = null;
        try {
            Class<?> type = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field instance = type.getDeclaredField("LIB");
            instance.setAccessible(true);
            directBuffer = type.getDeclaredMethod("torchDirectByteBuffer", long.class);
            directBuffer.setAccessible(true);
            isContiguous = type.getDeclaredMethod("torchIsContiguous", long.class);
            isContiguous.setAccessible(true);
            library = instance.get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            failure = "DJL's PyTorch JNI layer is not reachable (" + e + ")";
        }
        LIBRARY = library;
        DIRECT_BUFFER = directBuffer;
        IS_CONTIGUOUS = isContiguous;
        FAILURE = failure;
    }

    private TorchDeviceMemory() {}

    /** @return why device buffers cannot be had, or empty when they can */
    static Optional<String> failure() {
        return Optional.ofNullable(FAILURE);
    }

    /**
     * @param array a PyTorch-engine array
     * @return whether its storage is contiguous, as the kernels need
     */
    static boolean isContiguous(NDArray array) {
        return (Boolean) invoke(IS_CONTIGUOUS, handle(array));
    }

    /**
     * @param array a contiguous PyTorch-engine array on any device
     * @param name the argument's name, for messages
     * @return a direct buffer over its storage: address {@code data_ptr()}, capacity {@code nbytes()}
     * @throws SparxException when the array is not the PyTorch engine's or not contiguous
     */
    static ByteBuffer of(NDArray array, String name) {
        long handle = handle(array);
        if (!(Boolean) invoke(IS_CONTIGUOUS, handle)) {
            throw new SparxException("selective scan (cuda): " + name + " is not contiguous; expected a contiguous"
                    + " tensor");
        }
        return (ByteBuffer) invoke(DIRECT_BUFFER, handle);
    }

    private static long handle(NDArray array) {
        if (FAILURE != null) {
            throw new SparxException("selective scan (cuda): " + FAILURE);
        }
        if (!(array instanceof PtNDArray)) {
            throw new SparxException("selective scan (cuda): expected a PyTorch-engine array, got "
                    + array.getClass().getName());
        }
        return ((PtNDArray) array).getHandle();
    }

    private static Object invoke(Method method, long handle) {
        try {
            return method.invoke(LIBRARY, handle);
        } catch (IllegalAccessException e) {
            throw new SparxException("selective scan (cuda): cannot call DJL's " + method.getName(), e);
        } catch (InvocationTargetException e) {
            throw new SparxException("selective scan (cuda): DJL's " + method.getName() + " failed: "
                    + e.getCause(), e.getCause());
        }
    }
}
