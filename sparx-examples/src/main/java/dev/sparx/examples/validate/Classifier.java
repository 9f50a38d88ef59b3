package dev.sparx.examples.validate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.CheckpointOptions;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.kernels.SelectiveScan;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictKeys;
import dev.sparx.models.StateDictLoader;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * A SparX-Mamba network with its weights, in inference mode (BatchNorm on running statistics, no
 * drop path): image batches in, logits out. The weights live in this object's manager; every batch's
 * arrays live in a sub-manager that is closed before {@link #logits} returns, so memory stays flat
 * however many batches go through.
 */
public final class Classifier implements AutoCloseable {

    private final NDManager manager;
    private final SparXMamba network;
    private final ParameterStore store;

    private Classifier(NDManager manager, SparXMamba network) {
        this.manager = manager;
        this.network = network;
        this.store = new ParameterStore(manager, false);
    }

    /**
     * Builds a network and loads a checkpoint into it. The state dict is found as
     * {@code Checkpoints} finds it (bare, or under {@code state_dict} or {@code model}), with a
     * {@code module.} prefix stripped; it must fit the configuration exactly.
     *
     * @param config the architecture
     * @param checkpoint a {@code .pth} or {@code .safetensors} file
     * @param scan the selective-scan implementation
     * @return the classifier; close it when done
     * @throws SparxException if the checkpoint cannot be read or does not fit the configuration
     */
    public static Classifier load(SparXConfig config, Path checkpoint, SelectiveScan scan) {
        StateDict weights = Checkpoints.read(checkpoint, CheckpointOptions.NETWORK);
        try {
            return load(config, weights, scan);
        } catch (SparxException e) {
            throw new SparxException("checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds a network with the given weights.
     *
     * @param config the architecture
     * @param weights a state dict with the authors' keys (any float precision)
     * @param scan the selective-scan implementation
     * @return the classifier; close it when done
     * @throws SparxException if the state dict does not fit the configuration, naming every key
     *     that is missing, unexpected or of another shape
     */
    public static Classifier load(SparXConfig config, StateDict weights, SelectiveScan scan) {
        NDManager manager = NDManager.newBaseManager();
        try {
            SparXMamba network = SparXMamba.builder().setConfig(config).optSelectiveScan(scan).build();
            // parameter shapes do not depend on the spatial size
            network.initialize(manager, DataType.FLOAT32, new Shape(1, SparXConfig.IN_CHANNELS, 32, 32));
            StateDictLoader.load(network, weights);
            return new Classifier(manager, network);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** @return the architecture */
    public SparXConfig config() {
        return network.getConfig();
    }

    /** @return the number of classes K of the head */
    public int numClasses() {
        return network.getConfig().numClasses();
    }

    /** @return the trainable parameters (not buffers such as BatchNorm's statistics), as timm counts them */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : StateDictKeys.of(network).values()) {
            if (p.requiresGradient()) {
                n += p.getArray().size();
            }
        }
        return n;
    }

    /**
     * Runs one batch.
     *
     * @param pixels the batch (B, 3, H, W), row-major
     * @param shape {B, 3, H, W}
     * @return the logits (B, K), row-major
     */
    public float[] logits(float[] pixels, long[] shape) {
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = batch.create(FloatBuffer.wrap(pixels), new Shape(shape));
            return network.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
        }
    }

    /**
     * The arrays this classifier holds: its weights, and anything a batch failed to release. For
     * checking that memory stays flat: the count after any number of batches equals the count
     * before them.
     *
     * @return the number of live arrays in this classifier's manager and its sub-managers
     */
    public int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
