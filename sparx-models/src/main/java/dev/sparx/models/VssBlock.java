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
import dev.sparx.kernels.ArrayScope;
import dev.sparx.kernels.DepthwiseConvolution.Epilogue;
import dev.sparx.kernels.SelectiveScan;

/**
 * A SparX-Mamba block ({@code layers.i.blocks.j}, the authors' SparXVSSBlock):
 * <pre>
 * x = x + pos_embed(x)                                  depthwise 3x3 conv with bias
 * x = ls1(x) + drop_path(op(norm(x), shortcut))         token mixer, GroupNorm
 * x = ls2(x) + drop_path(mlp(norm2(x)))
 * </pre>
 * with the layer scales ls1, ls2 in stages 3 and 4 only (the identity elsewhere).
 */
public final class VssBlock extends AbstractBlock {

    private final DepthwiseConv2d posEmbed;
    private final Block norm;
    private final TokenMixer op;
    private final Block norm2;
    private final Block mlp;
    private final LayerScale layerScale1;
    private final LayerScale layerScale2;
    private final double dropPath;

    /**
     * @param config the network
     * @param stage 0..3
     * @param block index in the stage
     * @param scan the selective-scan implementation
     */
    public VssBlock(SparXConfig config, int stage, int block, SelectiveScan scan) {
        int dim = config.dim(stage);
        posEmbed = addChildBlock("pos_embed", Convolutions.depthwise(dim, 3, true));
        norm = addChildBlock("norm", new GroupNorm(dim));
        op = addChildBlock("op", new TokenMixer(config, stage, block, scan));
        norm2 = addChildBlock("norm2", new GroupNorm(dim));
        mlp = addChildBlock("mlp", new Mlp(dim, SparXConfig.MLP_RATIO * dim));
        if (config.layerScale(stage)) {
            layerScale1 = addChildBlock("layerscale_1", new LayerScale(dim));
            layerScale2 = addChildBlock("layerscale_2", new LayerScale(dim));
        } else {
            layerScale1 = null;
            layerScale2 = null;
        }
        dropPath = config.dropPath(stage, block);
    }

    /** @return whether the block reads a shortcut of earlier layers' outputs */
    public boolean isCrossLayer() {
        return op.isCrossLayer();
    }

    /** @return the token mixer */
    public TokenMixer getTokenMixer() {
        return op;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Inputs: x, (B, C, H, W), and for a cross-layer block the shortcut, (B, width, H, W).
     * Output: (B, C, H, W).
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray shortcut = op.isCrossLayer() ? inputs.get(1) : null;
        try (ArrayScope scope = ArrayScope.of(x, shortcut)) {
            x = posEmbed.forward(parameterStore, x, null, training, Epilogue.RESIDUAL);
            NDList mixerInput = norm.forward(parameterStore, new NDList(x), training, params);
            if (shortcut != null) {
                mixerInput.add(shortcut);
            }
            NDArray mixed = op.forward(parameterStore, mixerInput, training, params).head();
            x = residual(parameterStore, layerScale1, x, DropPath.apply(mixed, dropPath, training), training);
            NDList normed = norm2.forward(parameterStore, new NDList(x), training, params);
            NDArray fed = mlp.forward(parameterStore, normed, training, params).head();
            x = residual(parameterStore, layerScale2, x, DropPath.apply(fed, dropPath, training), training);
            return scope.keep(new NDList(x));
        }
    }

    /** ls(x) + branch, or x + branch where the stage has no layer scale. */
    private static NDArray residual(ParameterStore ps, LayerScale layerScale, NDArray x, NDArray branch,
            boolean training) {
        return layerScale == null ? x.add(branch) : layerScale.residual(ps, x, branch, training);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        posEmbed.initialize(manager, dataType, x);
        norm.initialize(manager, dataType, x);
        op.initialize(manager, dataType, inputShapes);
        norm2.initialize(manager, dataType, x);
        mlp.initialize(manager, dataType, x);
        if (layerScale1 != null) {
            layerScale1.initialize(manager, dataType, x);
            layerScale2.initialize(manager, dataType, x);
        }
    }
}
