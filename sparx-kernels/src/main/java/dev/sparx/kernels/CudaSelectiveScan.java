package dev.sparx.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The four-direction selective scan as one CUDA kernel ({@code libsparxscan_cuda.so}, built from
 * {@code src/main/native/cuda} where nvcc is found): one warp per (batch, channel) owns its output
 * row, and a chunked warp scan runs each direction's recurrence in parallel. Inputs and output stay
 * in device memory: the kernel reads the tensors' storage through device pointers obtained as
 * {@link TorchDeviceMemory} describes, and writes into an uninitialised output tensor on the same
 * GPU. docs/cuda.md says what has been verified and what remains for end-to-end use.
 *
 * <p>There is no backward: a call while gradients are recorded is refused, as for the CPU kernel.
 */
public final class CudaSelectiveScan extends FusedScanKernel {

    /** The name users select this implementation by. */
    public static final String NAME = "cuda";

    /** A scan on the GPU its inputs are on. */
    public CudaSelectiveScan() {
        super(NAME, Device.Type.GPU);
    }

    /** @return the number of CUDA devices the kernel sees, 0 without the library, a driver or a GPU */
    public static int deviceCount() {
        return CudaScanLibrary.LIBRARY.isLoaded() ? CudaScanLibrary.deviceCount() : 0;
    }

    /** @return why the CUDA scan cannot run here, or empty when it can */
    public static Optional<String> unavailableReason() {
        if (!CudaScanLibrary.LIBRARY.isLoaded()) {
            return CudaScanLibrary.LIBRARY.failure();
        }
        if (deviceCount() == 0) {
            return Optional.of("no CUDA device (or no driver) is visible");
        }
        return TorchDeviceMemory.failure();
    }

    /** @return whether the CUDA scan can run here */
    public static boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    @Override
    Optional<String> unavailableHere() {
        return unavailableReason();
    }

    @Override
    ByteBuffer storage(NDArray array, String name) {
        return TorchDeviceMemory.of(array, name);
    }

    @Override
    String run(ByteBuffer[] in, ByteBuffer out, ScanShapes s) {
        return CudaScanLibrary.crossScanMerge(in[0], in[1], in[2], in[3], in[4], in[5], in[6], out, s.batch,
                s.channels, s.state, s.height, s.width);
    }
}
