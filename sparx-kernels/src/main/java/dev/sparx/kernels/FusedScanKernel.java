package dev.sparx.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.sparx.core.SparxException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the native kernels share around their JNI call: the inputs checked ({@link ScanShapes}, the
 * device, no gradient recording, since no kernel has a backward), an uninitialised output tensor
 * created beside u, every tensor handed over as a direct buffer over its own storage, and the
 * output closed again if the kernel reports a failure.
 */
abstract class FusedScanKernel implements SelectiveScan {

    private final String name;
    private final String deviceType;

    /**
     * @param name the name users select the kernel by
     * @param deviceType the {@link Device.Type} its inputs must be on
     */
    FusedScanKernel(String name, String deviceType) {
        this.name = name;
        this.deviceType = deviceType;
    }

    /**
     * {@inheritDoc}
     *
     * @throws SparxException when the kernel cannot run here, an input is not float32 on the
     *     kernel's device, the shapes disagree, gradients are being recorded, or the native side
     *     reports a failure
     */
    @Override
    public final NDArray crossScanMerge(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d,
            NDArray deltaBias) {
        NDArray[] inputs = {u, delta, a, b, c, d, deltaBias};
        return launch(inputs, ScanShapes.INPUT_NAMES, () -> ScanShapes.check(name(), inputs), this::run);
    }

    /**
     * The checks and the output around one kernel call.
     *
     * @param inputs the call's inputs, u first
     * @param names their names, for messages
     * @param shapes checks the inputs against each other and returns their dimensions
     * @param kernel runs the kernel on buffers over the inputs, the output's buffer and the
     *     dimensions; returns null on success, else what the native side reported
     * @return the output, (B, D, H, W)
     */
    final NDArray launch(NDArray[] inputs, List<String> names, Supplier<ScanShapes> shapes, Kernel kernel) {
        String prefix = "selective scan (" + name() + "): ";
        Optional<String> unavailable = unavailableHere();
        if (unavailable.isPresent()) {
            throw new SparxException(prefix + unavailable.get());
        }
        ScanShapes checked = shapes.get();
        if (!deviceType.equals(checked.device.getDeviceType())) {
            throw new SparxException(prefix + "the inputs are on " + checked.device + "; this scan runs on "
                    + deviceType + " arrays (use auto or ndarray)");
        }
        if (GradientRecording.isRecording(inputs)) {
            throw new SparxException(prefix + "gradients are being recorded and this scan has no backward;"
                    + " use auto or ndarray");
        }
        long start = KernelTimes.start();
        try {
            NDArray out = inputs[0].getManager().create(checked.outputShape(), DataType.FLOAT32, checked.device);
            if (checked.isEmpty()) {
                return out;
            }
            return KernelOutput.fill(out, prefix, o -> {
                ByteBuffer[] buffers = new ByteBuffer[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    buffers[i] = storage(inputs[i], names.get(i));
                }
                return kernel.run(buffers, storage(o, "out"), checked);
            });
        } finally {
            KernelTimes.stop(KernelTimes.Kind.SELECTIVE_SCAN, start);
        }
    }

    /** A kernel's JNI call. */
    @FunctionalInterface
    interface Kernel {
        /**
         * @param inputs buffers over the inputs, in the call's order
         * @param out buffer over the output
         * @param shapes the checked dimensions
         * @return null on success, else what the native side reported
         */
        String run(ByteBuffer[] inputs, ByteBuffer out, ScanShapes shapes);
    }

    /** @return the name users select the kernel by */
    @Override
    public final String name() {
        return name;
    }

    /** @return why the kernel cannot run in this process, or empty when it can */
    abstract Optional<String> unavailableHere();

    /**
     * @param array an input or the output
     * @param name its name, for messages
     * @return a direct buffer over its storage, as the kernel reads it
     */
    abstract ByteBuffer storage(NDArray array, String name);

    /**
     * Runs the kernel.
     *
     * @param inputs buffers over u, delta, a, b, c, d, deltaBias
     * @param out buffer over the output
     * @param shapes the checked dimensions
     * @return null on success, else what the native side reported
     */
    abstract String run(ByteBuffer[] inputs, ByteBuffer out, ScanShapes shapes);
}
