package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.GroupNormalization;

/**
 * GroupNorm with one group (the "GN" of ARCHITECTURE.md): each sample is normalised over all its
 * channels and positions together, eps 1e-5, then scaled and shifted per channel; computed by
 * {@link GroupNormalization} (a native kernel in inference on the CPU, libtorch's layer norm
 * otherwise).
 */
public final class GroupNorm extends AbstractBlock {

    private static final float EPS = 1e-5f;

    private final int channels;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param channels C
     */
    public GroupNorm(int channels) {
        this.channels = channels;
        Shape c = new Shape(channels);
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).optShape(c).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA).optShape(c).build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray gamma = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray beta = parameterStore.getValue(bias, x.getDevice(), training);
        return new NDList(GroupNormalization.apply(x, gamma, beta, EPS));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return "GroupNorm(1, " + channels + ")";
    }
}
