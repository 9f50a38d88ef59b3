package dev.sparx.models.zoo;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * A SparX-Mamba network seen as a feature extractor for dense prediction: a block whose forward is
 * {@link SparXMamba#forwardFeatures}, so that a DJL {@code Predictor} (or any code that calls
 * {@code forward}) receives the features instead of the logits. It shares the network's parameters.
 *
 * <p>Input: a float32 batch (B, 3, H, W). Output, five arrays: the four stage outputs before each
 * downsample, stage i (0..3) of shape (B, dims[i], H_i, W_i) with H_0 = ceil(H/4) and
 * H_{i+1} = ceil(H_i/2) (the same for W), then the pooled embedding the classifier's linear layer
 * reads, (B, dims[3]).
 */
public final class BackboneFeatures extends AbstractBlock {

    private final SparXMamba network;

    /**
     * Wraps a network.
     *
     * @param network the network; its parameters stay its own
     */
    public BackboneFeatures(SparXMamba network) {
        this.network = addChildBlock("network", network);
    }

    /** @return the wrapped network */
    public SparXMamba getNetwork() {
        return network;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return network.forwardFeatures(parameterStore, inputs, training);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        List<Shape> out = new ArrayList<>();
        Shape[] x = network.getStem().getOutputShapes(inputShapes);
        for (Stage stage : network.getStages()) {
            Shape[] s = stage.getOutputShapes(x);
            out.add(s[0]);
            x = new Shape[] {s[1]};
        }
        out.add(new Shape(inputShapes[0].get(0), network.getConfig().dim(SparXConfig.STAGES - 1)));
        return out.toArray(new Shape[0]);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, inputShapes);
    }

    @Override
    public String toString() {
        return "BackboneFeatures(" + network + ")";
    }
}
