package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.DepthwiseConvolution.Epilogue;

/**
 * The block's MLP: fc1 (1x1, C -> 4C), h + depthwise 3x3 conv of h, GELU, fc2 (1x1, 4C -> C), all
 * with biases.
 */
public final class Mlp extends AbstractBlock {

    private final PointwiseConv2d fc1;
    private final DepthwiseConv2d dwconv;
    private final Block fc2;

    /**
     * @param channels C
     * @param hidden the hidden width, 4C
     */
    public Mlp(int channels, int hidden) {
        fc1 = addChildBlock("fc1", Convolutions.pointwise(hidden, true));
        dwconv = addChildBlock("dwconv", Convolutions.depthwise(hidden, 3, true));
        fc2 = addChildBlock("fc2", Convolutions.pointwise(channels, true));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        // fc1's bias goes in with the depthwise convolution's read of h, not in a pass of its own
        NDArray x = inputs.singletonOrThrow();
        NDArray h = fc1.product(parameterStore, x, training);
        NDArray mixed =
                dwconv.forward(parameterStore, h, fc1.bias(parameterStore, x, training), training,
                        Epilogue.RESIDUAL_GELU);
        return fc2.forward(parameterStore, new NDList(mixed), training, params);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return fc2.getOutputShapes(dwconv.getOutputShapes(fc1.getOutputShapes(inputShapes)));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        fc1.initialize(manager, dataType, inputShapes);
        Shape[] hidden = fc1.getOutputShapes(inputShapes);
        dwconv.initialize(manager, dataType, hidden);
        fc2.initialize(manager, dataType, hidden);
    }
}
