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
 * A depthwise convolution, stride 1, an odd square kernel padded to keep the size, computed by
 * {@link DepthwiseConvolution}: the native kernel in inference on the CPU, libtorch's convolution
 * otherwise. Parameters, initialisation and shapes are DJL's {@link Conv2d}'s.
 *
 * <p>What the network does with the result (the residual of pos_embed and of the MLP, SiLU in the
 * token mixer, GELU) is passed as an {@link Epilogue} to {@link #forward(ParameterStore, NDArray,
 * boolean, Epilogue)}, so that the native kernel applies it before storing each element.
 */
final class DepthwiseConv2d extends Conv2d {

    /**
     * @param channels input and output channels
     * @param kernel odd square kernel size
     * @param bias whether it has a bias
     */
    DepthwiseConv2d(int channels, int kernel, boolean bias) {
        super(Conv2d.builder()
                .setFilters(channels)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(channels)
                .optBias(bias));
    }

    /**
     * @param parameterStore the parameters
     * @param x (B, C, H, W)
     * @param training whether in training mode
     * @param epilogue what follows the convolution
     * @return the epilogue applied to conv(x) + bias, (B, C, H, W)
     */
    NDArray forward(ParameterStore parameterStore, NDArray x, boolean training, Epilogue epilogue) {
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, x.getDevice(), training);
        return DepthwiseConvolution.apply(x, w, b, epilogue);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(parameterStore, inputs.singletonOrThrow(), training, Epilogue.NONE));
    }
}
