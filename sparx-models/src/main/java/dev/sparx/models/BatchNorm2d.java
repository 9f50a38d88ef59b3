package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.ParameterViews;

/**
 * torch's {@code nn.BatchNorm2d} (eps 1e-5, momentum 0.1, affine, running statistics) with its
 * parameter and buffer names: weight, bias, running_mean, running_var, num_batches_tracked. In eval
 * mode it normalises with the running statistics; in training mode with the batch's, and libtorch
 * updates the running ones in place (running = 0.9 * running + 0.1 * batch, the variance unbiased)
 * while num_batches_tracked counts the batches.
 */
public final class BatchNorm2d extends AbstractBlock {

    /** torch's default epsilon. */
    static final float EPS = 1e-5f;
    /** torch's momentum: the weight of the new batch in the running statistics. */
    static final float TORCH_MOMENTUM = 0.1f;

    private final int channels;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter numBatchesTracked;

    /**
     * @param channels C
     */
    public BatchNorm2d(int channels) {
        this.channels = channels;
        Shape c = new Shape(channels);
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).optShape(c).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA).optShape(c).build());
        runningMean =
                addParameter(
                        Parameter.builder().setName("running_mean").setType(Parameter.Type.RUNNING_MEAN).optShape(c)
                                .optRequiresGrad(false).build());
        runningVar =
                addParameter(
                        Parameter.builder().setName("running_var").setType(Parameter.Type.RUNNING_VAR).optShape(c)
                                .optRequiresGrad(false).build());
        // an int64 scalar, as torch keeps it; a parameter without gradient so that it is saved,
        // loaded and exported with the others
        numBatchesTracked =
                addParameter(
                        Parameter.builder().setName("num_batches_tracked").setType(Parameter.Type.OTHER)
                                .optShape(new Shape()).optInitializer((manager, shape, type) -> manager.create(0L))
                                .optRequiresGrad(false).build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray mean = parameterStore.getValue(runningMean, x.getDevice(), training);
        NDArray var = parameterStore.getValue(runningVar, x.getDevice(), training);
        NDArray gamma = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray beta = parameterStore.getValue(bias, x.getDevice(), training);
        // axis -1 hands the tensor to libtorch's batch_norm as is (channels on axis 1); DJL's
        // momentum is the weight of the old statistics, torch's that of the new batch
        NDList out = x.getNDArrayInternal().batchNorm(x, mean, var, gamma, beta, -1, 1 - TORCH_MOMENTUM, EPS, training);
        if (training) {
            parameterStore.getValue(numBatchesTracked, x.getDevice(), training).addi(1);
        }
        return out;
    }

    /**
     * What this normalisation is in eval mode, y = scale * x + shift per channel, with scale =
     * weight / sqrt(running_var + eps) and shift = bias - running_mean * scale; for folding it into
     * the convolution before it.
     *
     * @param parameterStore the parameters
     * @param x the activation the result is used with (its device and manager are the arrays')
     * @return {scale, shift}, each (C)
     */
    NDArray[] inferenceAffine(ParameterStore parameterStore, NDArray x) {
        NDArray mean = ParameterViews.reshape(parameterStore.getValue(runningMean, x.getDevice(), false), x, channels);
        NDArray var = ParameterViews.reshape(parameterStore.getValue(runningVar, x.getDevice(), false), x, channels);
        NDArray gamma = ParameterViews.reshape(parameterStore.getValue(weight, x.getDevice(), false), x, channels);
        NDArray beta = ParameterViews.reshape(parameterStore.getValue(bias, x.getDevice(), false), x, channels);
        NDArray scale = gamma.div(var.add(EPS).sqrt());
        return new NDArray[] {scale, beta.sub(mean.mul(scale))};
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}
