package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.ArrayScope;
import dev.sparx.kernels.SelectiveScan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A stage ({@code layers.i}): its blocks wired by the sparse cross-layer connector, then the
 * downsample (none after the last stage). ARCHITECTURE.md, "Stage forward":
 * <pre>
 * inner = [previous stage's output] (stages 2-4), cross = []
 * for each block b:
 *     if b is a cross layer: x = block(x, concat(inner + cross)); cross += [x]; inner = []
 *     else:                  x = block(x);                        inner += [x]
 *     keep only the newest max_dense_depth entries of cross
 * </pre>
 * With cross_stage the previous stage's output starts in cross instead of inner.
 */
public final class Stage extends AbstractBlock {

    private final int index;
    private final List<VssBlock> blocks = new ArrayList<>();
    private final Block downsample;
    private final int maxDenseDepth;
    private final boolean crossStage;

    /**
     * @param config the network
     * @param stage 0..3
     * @param scan the selective-scan implementation
     */
    public Stage(SparXConfig config, int stage, SelectiveScan scan) {
        index = stage;
        for (int b = 0; b < config.depth(stage); b++) {
            blocks.add(addChildBlock("blocks." + b, new VssBlock(config, stage, b, scan)));
        }
        downsample =
                stage < SparXConfig.STAGES - 1 ? addChildBlock("downsample", new Downsample(config.dim(stage + 1))) : null;
        maxDenseDepth = config.maxDenseDepth(stage);
        crossStage = config.crossStage(stage);
    }

    /** @return the stage's blocks in order */
    public List<VssBlock> getBlocks() {
        return Collections.unmodifiableList(blocks);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Input: x, (B, C, H, W), which for stages 2-4 is also the previous stage's output the
     * connector links. Outputs: the stage's output before the downsample, (B, C, H, W), and the
     * input of the next stage (the downsampled output; the output itself after the last stage).
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        try (ArrayScope scope = ArrayScope.of(x)) {
            List<NDArray> inner = new ArrayList<>();
            List<NDArray> cross = new ArrayList<>();
            if (index > 0) {
                (crossStage ? cross : inner).add(x);
            }
            NDArray h = x;
            for (VssBlock block : blocks) {
                if (block.isCrossLayer()) {
                    NDList links = new NDList(inner);
                    links.addAll(cross);
                    NDArray shortcut = links.size() == 1 ? links.head() : NDArrays.concat(links, 1);
                    h = block.forward(parameterStore, new NDList(h, shortcut), training, params).head();
                    cross.add(h);
                    inner.clear();
                } else {
                    h = block.forward(parameterStore, new NDList(h), training, params).head();
                    inner.add(h);
                }
                while (cross.size() > maxDenseDepth) {
                    cross.remove(0);
                }
            }
            NDArray next = downsample == null ? h : downsample.forward(parameterStore, new NDList(h), training, params)
                    .head();
            return scope.keep(new NDList(h, next));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape next = downsample == null ? inputShapes[0] : downsample.getOutputShapes(inputShapes)[0];
        return new Shape[] {inputShapes[0], next};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        for (VssBlock block : blocks) {
            if (block.isCrossLayer()) {
                long width = block.getTokenMixer().shortcutWidth();
                block.initialize(manager, dataType, x, new Shape(x.get(0), width, x.get(2), x.get(3)));
            } else {
                block.initialize(manager, dataType, x);
            }
        }
        if (downsample != null) {
            downsample.initialize(manager, dataType, x);
        }
    }
}
