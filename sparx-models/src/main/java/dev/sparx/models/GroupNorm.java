package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * GroupNorm with one group (the "GN" of ARCHITECTURE.md): each sample is normalised over all its
 * channels and positions together, eps 1e-5, then scaled and shifted per channel. That is a layer
 * norm over (C, H, W) whose affine weight repeats each channel's value over (H, W), which is how it
 * is computed here: DJL has no group norm, and libtorch's layer norm differentiates the whole of it.
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
        Shape perSample = x.getShape().slice(1);
        long[] perChannel = new long[perSample.dimension()];
        Arrays.fill(perChannel, 1);
        perChannel[0] = channels;
        NDArray gamma = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray beta = parameterStore.getValue(bias, x.getDevice(), training);
        NDArray w = ParameterViews.reshape(gamma, x, perChannel).broadcast(perSample);
        NDArray b = ParameterViews.reshape(beta, x, perChannel).broadcast(perSample);
        return x.getNDArrayInternal().layerNorm(x, perSample, w, b, EPS);
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
