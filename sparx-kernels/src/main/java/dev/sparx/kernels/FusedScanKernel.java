package dev.sparx.kernels;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.sparx.core.SparxException;
import java.nio.ByteBuffer;
import java.util.Optional;

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
        String prefix = "selective scan (" + name() + "): ";
        Optional<String> unavailable = unavailableHere();
        if (unavailable.isPresent()) {
            throw new SparxException(prefix + unavailable.get());
        }
        NDArray[] inputs = {u, delta, a, b, c, d, deltaBias};
        ScanShapes shapes = ScanShapes.check(name(), inputs);
        if (!deviceType.equals(shapes.device.getDeviceType())) {
            throw new SparxException(prefix + "the inputs are on " + shapes.device + "; this scan runs on "
                    + deviceType + " arrays (use auto or ndarray)");
        }
        if (GradientRecording.isRecording(inputs)) {
            throw new SparxException(prefix + "gradients are being recorded and this scan has no backward;"
                    + " use auto or ndarray");
        }
        NDArray out = u.getManager().create(shapes.outputShape(), DataType.FLOAT32, shapes.device);
        if (shapes.isEmpty()) {
            return out;
        }
        return KernelOutput.fill(out, prefix, o -> {
            ByteBuffer[] buffers = new ByteBuffer[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                buffers[i] = storage(inputs[i], ScanShapes.INPUT_NAMES.get(i));
            }
            return run(buffers, storage(o, "out"), shapes);
        });
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
