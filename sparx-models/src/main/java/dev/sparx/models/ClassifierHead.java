package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The classifier: GroupNorm (entry 0), the mean over positions (entries 1 and 2, pooling and
 * flatten, without parameters) and a linear layer (entry 3).
 */
public final class ClassifierHead extends AbstractBlock {

    private final Block norm;
    private final Block fc;

    /**
     * @param channels the last stage's width
     * @param classes the number of classes
     */
    public ClassifierHead(int channels, int classes) {
        norm = addChildBlock("0", new GroupNorm(channels));
        fc = addChildBlock("3", Linear.builder().setUnits(classes).optBias(true).build());
    }

    /**
     * The pooled embedding the linear layer reads.
     *
     * @param parameterStore the parameters
     * @param x the last stage's output, (B, C, H, W)
     * @param training whether in training mode
     * @return (B, C)
     */
    public NDArray embed(ParameterStore parameterStore, NDArray x, boolean training) {
        NDArray normed = norm.forward(parameterStore, new NDList(x), training).head();
        Shape s = normed.getShape();
        return normed.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray pooled = embed(parameterStore, inputs.singletonOrThrow(), training);
        return fc.forward(parameterStore, new NDList(pooled), training, params);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return fc.getOutputShapes(new Shape[] {pooledShape(inputShapes[0])});
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes);
        fc.initialize(manager, dataType, pooledShape(inputShapes[0]));
    }

    private static Shape pooledShape(Shape x) {
        return new Shape(x.get(0), x.get(1));
    }
}
