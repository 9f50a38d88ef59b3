package dev.sparx.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks an implementation for every call: the native CPU kernel for float32 CPU arrays and the
 * CUDA kernel for float32 GPU arrays, where the kernel is available and no gradients are being
 * recorded (the kernels have no backward); otherwise the portable NDArray implementation, which is
 * also what autograd differentiates. Where a kernel cannot be used at all (another platform, no
 * GPU), one log line per process says why, the first time it would have been chosen.
 */
final class AutoSelectiveScan implements SelectiveScan {

    private static final Logger LOG = LoggerFactory.getLogger(AutoSelectiveScan.class);
    private static final AtomicBoolean NATIVE_EXPLAINED = new AtomicBoolean();
    private static final AtomicBoolean CUDA_EXPLAINED = new AtomicBoolean();

    private final SelectiveScan portable;
    private final NativeSelectiveScan cpu;
    private final CudaSelectiveScan gpu;

    /**
     * @param portable the NDArray implementation, used whenever a kernel is not
     * @param threads the native kernel's thread limit
     */
    AutoSelectiveScan(SelectiveScan portable, int threads) {
        this.portable = portable;
        this.cpu = new NativeSelectiveScan(threads);
        this.gpu = new CudaSelectiveScan();
    }

    @Override
    public NDArray crossScanMerge(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d,
            NDArray deltaBias) {
        return choose(u, delta, a, b, c, d, deltaBias).crossScanMerge(u, delta, a, b, c, d, deltaBias);
    }

    @Override
    public NDArray crossScanMergeLowRank(NDArray u, NDArray deltaLow, NDArray deltaWeight, NDArray a, NDArray b,
            NDArray c, NDArray d, NDArray deltaBias) {
        return choose(u, deltaLow, deltaWeight, a, b, c, d, deltaBias)
                .crossScanMergeLowRank(u, deltaLow, deltaWeight, a, b, c, d, deltaBias);
    }

    /**
     * @param inputs a call's inputs, u first
     * @return the implementation a call with these inputs runs
     */
    SelectiveScan choose(NDArray... inputs) {
        for (NDArray input : inputs) {
            if (input == null || input.getDataType() != DataType.FLOAT32
                    || !input.getDevice().equals(inputs[0].getDevice())) {
                return portable; // its own checks report what is wrong, or it copes
            }
        }
        boolean onCpu = Device.Type.CPU.equals(inputs[0].getDevice().getDeviceType());
        if (onCpu && !NativeSelectiveScan.isAvailable()) {
            explainOnce(NATIVE_EXPLAINED, "native", NativeSelectiveScan.unavailableReason().orElseThrow());
            return portable;
        }
        if (!onCpu && !CudaSelectiveScan.isAvailable()) {
            explainOnce(CUDA_EXPLAINED, "cuda", CudaSelectiveScan.unavailableReason().orElseThrow());
            return portable;
        }
        if (GradientRecording.isRecording(inputs) || onCpu && !NativeKernels.chosenAutomatically()) {
            return portable;
        }
        return onCpu ? cpu : allContiguous(inputs) ? gpu : portable;
    }

    /** The CUDA kernel reads storage as is; DJL's PyTorch arrays can tell whether it is contiguous. */
    private static boolean allContiguous(NDArray... inputs) {
        for (NDArray input : inputs) {
            if (!(input instanceof PtNDArray) || !TorchDeviceMemory.isContiguous(input)) {
                return false;
            }
        }
        return true;
    }

    private void explainOnce(AtomicBoolean flag, String kernel, String reason) {
        if (flag.compareAndSet(false, true)) {
            LOG.info("selective scan: the {} kernel is unavailable ({}); using the {} implementation", kernel, reason,
                    portable.name());
        }
    }

    /** @return {@value SelectiveScans#AUTO} */
    @Override
    public String name() {
        return SelectiveScans.AUTO;
    }
}
