package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.LayerScaleResidual;
import dev.sparx.kernels.ParameterViews;

/**
 * Layer scale of a block's residual (stages 3 and 4): a per-channel affine map y = w * x + b, with w
 * kept as (C, 1, 1, 1) and b as (C), the authors' depthwise 1x1 convolution weights.
 */
public final class LayerScale extends AbstractBlock {

    private final int channels;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param channels C
     */
    public LayerScale(int channels) {
        this.channels = channels;
        weight =
                addParameter(
                        Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                                .optShape(new Shape(channels, 1, 1, 1)).build());
        bias =
                addParameter(
                        Parameter.builder().setName("bias").setType(Parameter.Type.BETA).optShape(new Shape(channels))
                                .build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ParameterViews.reshape(parameterStore.getValue(weight, x.getDevice(), training), x, channels, 1, 1);
        NDArray b = ParameterViews.reshape(parameterStore.getValue(bias, x.getDevice(), training), x, channels, 1, 1);
        return new NDList(x.mul(w).add(b));
    }

    /**
     * The block's residual step, this layer scale of x plus the branch, as one operation
     * ({@link LayerScaleResidual}: one pass of the native kernel where it applies).
     *
     * @param parameterStore the parameters
     * @param x the residual, (B, C, H, W)
     * @param branch the branch's output, x's shape
     * @param training whether in training mode
     * @return w * x + b + branch
     */
    NDArray residual(ParameterStore parameterStore, NDArray x, NDArray branch, boolean training) {
        NDArray w = ParameterViews.reshape(parameterStore.getValue(weight, x.getDevice(), training), x, channels);
        NDArray b = parameterStore.getValue(bias, x.getDevice(), training);
        return LayerScaleResidual.apply(x, w, b, branch);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
