package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.ArrayScope;
import dev.sparx.kernels.DepthwiseConvolution.Epilogue;
import dev.sparx.kernels.SelectiveScan;
import java.util.Arrays;

/**
 * The token mixer {@code op} of a block (the authors' SparXSS2D), d = dim, D = 2d: an input
 * projection to D channels, a depthwise 5x5 convolution, SiLU, the {@link FourDirectionSsm}, GroupNorm
 * and a 1x1 projection back to d.
 *
 * <p>In a plain block the input projection is a 1x1 convolution. In a cross-layer block it is built
 * from the block's input x and the shortcut (the concatenated outputs of earlier layers): the
 * shortcut, normed and projected to 2d channels, gives k and v; x gives q; a {@link ChannelAttention}
 * of q, k, v; then [x (or q when q is full size), attention, v] are interleaved by the channel
 * shuffle, mixed by a depthwise 3x3 convolution, GELU and a 1x1 convolution in 3 groups to
 * 3*floor(D/3) channels, and padded back to D with channel means.
 */
public final class TokenMixer extends AbstractBlock {

    private final int dim;
    private final int inner;
    private final int shortcutWidth;
    private final boolean crossLayer;
    private final FourDirectionSsm ssm;
    private Block dNorm;
    private Block dProj;
    private Block q;
    private Block k;
    private Block v;
    private final Block inProj;
    /** in_proj of a plain mixer, whose bias the depthwise conv2d adds as it reads; null otherwise */
    private final PointwiseConv2d plainInProj;
    private final DepthwiseConv2d conv2d;
    private final Block outNorm;
    private final Block outProj;

    /**
     * @param config the network
     * @param stage 0..3
     * @param block the block's index in the stage
     * @param scan the selective-scan implementation
     */
    public TokenMixer(SparXConfig config, int stage, int block, SelectiveScan scan) {
        dim = config.dim(stage);
        inner = SparXConfig.SSM_RATIO * dim;
        ssm = new FourDirectionSsm(inner, config.dtRank(stage), SparXConfig.D_STATE, scan);
        for (Parameter p : ssm.parameters()) {
            addParameter(p);
        }
        crossLayer = Arrays.stream(config.denseIndices(stage)).anyMatch(i -> i == block);
        shortcutWidth = crossLayer ? config.shortcutWidth(stage, block) : 0;
        if (crossLayer) {
            int width = shortcutWidth;
            dNorm = addChildBlock("d_norm", new GroupNorm(width));
            dProj =
                    addChildBlock(
                            "d_proj",
                            new NamedSequential()
                                    .add("0", Convolutions.depthwise(width, 3, false))
                                    .add("1", new BatchNorm2d(width))
                                    .add("2", Pointwise.gelu())
                                    .add("3", Convolutions.pointwise(2 * dim, true))
                                    .add("4", Pointwise.gelu()));
            int sr = config.srRatio(stage);
            q = addChildBlock("q", reducedProjection(dim, sr));
            k = addChildBlock("k", reducedProjection(dim, sr));
            v = addChildBlock("v", new NamedSequential().add("0", Convolutions.pointwise(dim, false))
                    .add("1", new BatchNorm2d(dim)));
            int mixed = 3 * dim;
            inProj =
                    addChildBlock(
                            "in_proj",
                            new NamedSequential()
                                    .add("0", Convolutions.depthwise(mixed, 3, true))
                                    .add("1", Pointwise.gelu())
                                    .add("2", Convolutions.pointwise(inner / 3 * 3, 3, true)));
            plainInProj = null;
        } else {
            plainInProj = addChildBlock("in_proj", Convolutions.pointwise(inner, true));
            inProj = plainInProj;
        }
        conv2d = addChildBlock("conv2d", Convolutions.depthwise(inner, SparXConfig.SSM_CONV, true));
        outNorm = addChildBlock("out_norm", new GroupNorm(inner));
        outProj = addChildBlock("out_proj", Convolutions.pointwise(dim, true));
    }

    /** q and k: [sr: depthwise conv kernel r+1, stride r, BN, GELU] when r &gt; 1, 1x1 conv, BN. */
    private static NamedSequential reducedProjection(int dim, int sr) {
        NamedSequential s = new NamedSequential();
        if (sr > 1) {
            // for an even ratio (all of SparX's) the kernel sr + 1 is odd and its padding (sr + 1) / 2
            // is half the kernel: the depthwise convolution's native form applies
            s.add("0.0", sr % 2 == 0
                            ? Convolutions.depthwise(dim, sr + 1, sr, false)
                            : Convolutions.conv(dim, sr + 1, sr, (sr + 1) / 2, dim, false))
                    .add("0.1", new BatchNorm2d(dim))
                    .add("0.2", Pointwise.gelu());
        }
        return s.add("1", Convolutions.pointwise(dim, false)).add("2", new BatchNorm2d(dim));
    }

    /** @return the channels of the shortcut a cross-layer mixer reads; 0 for a plain one */
    public int shortcutWidth() {
        return shortcutWidth;
    }

    /** @return whether this is a cross-layer mixer, which reads a shortcut */
    public boolean isCrossLayer() {
        return crossLayer;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Inputs: the normed block input x, (B, d, H, W), and for a cross-layer mixer the shortcut,
     * (B, width, H, W). Output: (B, d, H, W).
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray shortcut = crossLayer ? inputs.get(1) : null;
        try (ArrayScope scope = ArrayScope.of(x, shortcut)) {
            NDArray z;
            NDArray zBias = null;
            if (crossLayer) {
                z = crossLayerInput(parameterStore, x, shortcut, training, params);
            } else {
                z = plainInProj.product(parameterStore, x, training);
                zBias = plainInProj.bias(parameterStore, x, training);
            }
            z = conv2d.forward(parameterStore, z, zBias, training, Epilogue.SILU);
            NDArray y = ssm.forward(parameterStore, z, training);
            NDList out = outProj.forward(parameterStore, outNorm.forward(parameterStore, new NDList(y), training, params),
                    training, params);
            return scope.keep(out);
        }
    }

    private NDArray crossLayerInput(
            ParameterStore ps, NDArray x, NDArray shortcut, boolean training, PairList<String, Object> params) {
        NDList s = dProj.forward(ps, dNorm.forward(ps, new NDList(shortcut), training, params), training, params);
        NDList kv = s.head().split(2, 1);
        NDArray qa = q.forward(ps, new NDList(x), training, params).head();
        NDArray ka = k.forward(ps, new NDList(kv.get(0)), training, params).head();
        NDArray va = v.forward(ps, new NDList(kv.get(1)), training, params).head();
        NDArray attention = ChannelAttention.apply(qa, ka, va);
        Shape xs = x.getShape();
        long batch = xs.get(0);
        long height = xs.get(2);
        long width = xs.get(3);
        boolean fullSize = qa.getShape().get(2) == height && qa.getShape().get(3) == width;
        NDArray mixed = NDArrays.concat(new NDList(fullSize ? qa : x, attention, va), 1);
        // channel shuffle: out[g*d + c] = in[c*3 + g], the authors' rearrange 'b (c g) h w -> b (g c) h w'
        NDArray shuffled = mixed.reshape(batch, dim, 3, height, width).swapAxes(1, 2).reshape(batch, 3L * dim, height, width);
        NDArray z = inProj.forward(ps, new NDList(shuffled), training, params).head();
        return padChannels(z);
    }

    /**
     * Pads the 3*floor(D/3) channels of the grouped projection back to D: with their mean when one
     * is missing, with the means of the first and the second half of them when two are (torch's
     * adaptive average pooling of the channel axis to 2 bins).
     */
    private NDArray padChannels(NDArray z) {
        long have = z.getShape().get(1);
        long missing = inner - have;
        if (missing == 0) {
            return z;
        }
        NDArray pad;
        if (missing == 1) {
            pad = z.mean(new int[] {1}, true);
        } else {
            Shape s = z.getShape();
            pad = z.reshape(s.get(0), 2, have / 2, s.get(2), s.get(3)).mean(new int[] {2});
        }
        return NDArrays.concat(new NDList(z, pad), 1);
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
        Shape map = new Shape(x.get(0), inner, x.get(2), x.get(3));
        if (crossLayer) {
            dNorm.initialize(manager, dataType, inputShapes[1]);
            dProj.initialize(manager, dataType, inputShapes[1]);
            Shape half = new Shape(x.get(0), dim, x.get(2), x.get(3));
            q.initialize(manager, dataType, x);
            k.initialize(manager, dataType, half);
            v.initialize(manager, dataType, half);
            inProj.initialize(manager, dataType, new Shape(x.get(0), 3L * dim, x.get(2), x.get(3)));
        } else {
            inProj.initialize(manager, dataType, x);
        }
        conv2d.initialize(manager, dataType, map);
        outNorm.initialize(manager, dataType, map);
        outProj.initialize(manager, dataType, map);
    }

    /**
     * Multiply-accumulates for one image of H x W: convolutions, the channel attention's two products
     * and the SSM.
     *
     * @param height H
     * @param width W
     * @return the count
     */
    long macs(long height, long width) {
        long tokens = height * width;
        long n = ssm.macs(tokens);
        if (crossLayer) {
            Shape reduced = q.getOutputShapes(new Shape[] {new Shape(1, dim, height, width)})[0];
            n += ChannelAttention.macs(dim, reduced.get(2) * reduced.get(3), tokens);
        }
        return n;
    }
}
