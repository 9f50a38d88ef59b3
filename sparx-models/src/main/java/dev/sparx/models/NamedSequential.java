package dev.sparx.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.DepthwiseConvolution.Epilogue;
import java.util.List;

/**
 * Blocks applied one after the other, each under the name its counterpart has in the authors'
 * {@code nn.Sequential} ("0", "1", "3", or "0.1" for an entry of a nested sequence), so that the
 * state-dict keys of the parameters come out of {@link StateDictKeys}'s one rule.
 *
 * <p>A depthwise convolution followed by an activation that has an epilogue form (GELU) runs as one
 * step: the convolution applies the activation before storing each element. In eval mode a
 * BatchNorm between them is folded into the convolution's weights and bias as well.
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
        List<Block> steps = children.values();
        for (int i = 0; i < steps.size(); i++) {
            Block step = steps.get(i);
            Block next = i + 1 < steps.size() ? steps.get(i + 1) : null;
            if (step instanceof DepthwiseConv2d && !training && next instanceof BatchNorm2d) {
                // eval-mode BatchNorm folded into the convolution, and an activation after it fused
                Epilogue after = epilogueOf(i + 2 < steps.size() ? steps.get(i + 2) : null);
                x = new NDList(((DepthwiseConv2d) step).forwardWithBatchNorm(parameterStore, x.singletonOrThrow(),
                        (BatchNorm2d) next, after == null ? Epilogue.NONE : after));
                i += after == null ? 1 : 2;
            } else if (step instanceof DepthwiseConv2d && epilogueOf(next) != null) {
                x = new NDList(((DepthwiseConv2d) step).forward(parameterStore, x.singletonOrThrow(), null, training,
                        epilogueOf(next)));
                i++;
            } else {
                x = step.forward(parameterStore, x, training, params);
            }
        }
        return x;
    }

    /** @return the step's function as a depthwise convolution's epilogue, or null where it has none */
    private static Epilogue epilogueOf(Block step) {
        return step instanceof Pointwise ? ((Pointwise) step).asEpilogue() : null;
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
