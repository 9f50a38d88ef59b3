package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.DepthwiseConvolution;
import dev.sparx.kernels.DepthwiseConvolution.Epilogue;

/**
 * A depthwise convolution, an odd square kernel K padded by K/2 (so that stride 1 keeps the size),
 * computed by {@link DepthwiseConvolution}: the native kernel in inference on the CPU, libtorch's convolution
 * otherwise. Parameters, initialisation and shapes are DJL's {@link Conv2d}'s.
 *
 * <p>What the network does with the result (the residual of pos_embed and of the MLP, SiLU in the
 * token mixer, GELU) is passed as an {@link Epilogue} to {@link #forward(ParameterStore, NDArray,
 * NDArray, boolean, Epilogue)}, so that the native kernel applies it before storing each element.
 */
final class DepthwiseConv2d extends Conv2d {

    private final int stride;

    /**
     * @param channels input and output channels
     * @param kernel odd square kernel size
     * @param stride stride
     * @param bias whether it has a bias
     */
    DepthwiseConv2d(int channels, int kernel, int stride, boolean bias) {
        super(Conv2d.builder()
                .setFilters(channels)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(channels)
                .optBias(bias));
        this.stride = stride;
    }

    /**
     * @param parameterStore the parameters
     * @param x (B, C, H, W)
     * @param inputBias (C), added to x before anything else (the preceding 1x1 convolution's bias,
     *     see {@link PointwiseConv2d#product}), or null
     * @param training whether in training mode
     * @param epilogue what follows the convolution; a residual one only at stride 1
     * @return the epilogue applied to conv(x) + bias, (B, C, ceil(H/stride), ceil(W/stride))
     */
    NDArray forward(ParameterStore parameterStore, NDArray x, NDArray inputBias, boolean training,
            Epilogue epilogue) {
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, x.getDevice(), training);
        return DepthwiseConvolution.apply(x, inputBias, w, b, stride, epilogue);
    }

    /**
     * The convolution followed by an eval-mode BatchNorm, y = scale * conv(x) + shift, folded into
     * one convolution with weights scale * w and bias scale * b + shift, then the epilogue.
     *
     * @param parameterStore the parameters
     * @param x (B, C, H, W)
     * @param batchNorm the BatchNorm after this convolution, in eval mode
     * @param epilogue what follows the BatchNorm; a residual one only at stride 1
     * @return (B, C, ceil(H/stride), ceil(W/stride))
     */
    NDArray forwardWithBatchNorm(ParameterStore parameterStore, NDArray x, BatchNorm2d batchNorm,
            Epilogue epilogue) {
        // the BatchNorm's scale comes first in every product, so the results join its (and x's)
        // manager rather than the parameters'
        NDArray[] affine = batchNorm.inferenceAffine(parameterStore, x);
        NDArray folded = affine[0].reshape(-1, 1, 1, 1).mul(parameterStore.getValue(weight, x.getDevice(), false));
        NDArray shift = bias == null ? affine[1]
                : affine[0].mul(parameterStore.getValue(bias, x.getDevice(), false)).add(affine[1]);
        return DepthwiseConvolution.apply(x, null, folded, shift, stride, epilogue);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(parameterStore, inputs.singletonOrThrow(), null, training, Epilogue.NONE));
    }
}
