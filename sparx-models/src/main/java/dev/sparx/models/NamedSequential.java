package dev.sparx.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Blocks applied one after the other, each under the name its counterpart has in the authors'
 * {@code nn.Sequential} ("0", "1", "3", or "0.1" for an entry of a nested sequence), so that the
 * state-dict keys of the parameters come out of {@link StateDictKeys}'s one rule.
 */
public class NamedSequential extends AbstractBlock {

    /**
     * Appends a step.
     *
     * @param name its index (or dotted path) in the authors' sequence
     * @param block the step
     * @return this
     */
    public final NamedSequential add(String name, Block block) {
        addChildBlock(name, block);
        return this;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (Block b : children.values()) {
            x = b.forward(parameterStore, x, training, params);
        }
        return x;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block b : children.values()) {
            shapes = b.getOutputShapes(shapes);
        }
        return shapes;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block b : children.values()) {
            b.initialize(manager, dataType, shapes);
            shapes = b.getOutputShapes(shapes);
        }
    }
}
