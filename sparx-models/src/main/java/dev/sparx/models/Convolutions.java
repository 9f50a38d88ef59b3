package dev.sparx.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/** DJL 2-D convolutions built the way the authors' {@code nn.Conv2d} calls read. */
final class Convolutions {

    private Convolutions() {}

    /**
     * @param out output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param padding zero padding on each side
     * @param groups groups (the input channels for a depthwise convolution)
     * @param bias whether it has a bias
     * @return the convolution; its input channels are set when it is initialised
     */
    static Conv2d conv(int out, int kernel, int stride, int padding, int groups, boolean bias) {
        return Conv2d.builder()
                .setFilters(out)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optGroups(groups)
                .optBias(bias)
                .build();
    }

    /**
     * @param out output channels
     * @param bias whether it has a bias
     * @return a 1x1 convolution, computed as a matrix product
     */
    static PointwiseConv2d pointwise(int out, boolean bias) {
        return pointwise(out, 1, bias);
    }

    /**
     * @param out output channels, a multiple of groups
     * @param groups groups
     * @param bias whether it has a bias
     * @return a grouped 1x1 convolution, computed as one matrix product per group
     */
    static PointwiseConv2d pointwise(int out, int groups, boolean bias) {
        return new PointwiseConv2d(out, groups, bias);
    }

    /**
     * @param channels input and output channels
     * @param kernel odd square kernel size, padded to keep the size
     * @param bias whether it has a bias
     * @return a depthwise convolution, stride 1
     */
    static DepthwiseConv2d depthwise(int channels, int kernel, boolean bias) {
        return new DepthwiseConv2d(channels, kernel, 1, bias);
    }

    /**
     * @param channels input and output channels
     * @param kernel odd square kernel size, padded by kernel/2
     * @param stride stride
     * @param bias whether it has a bias
     * @return a strided depthwise convolution
     */
    static DepthwiseConv2d depthwise(int channels, int kernel, int stride, boolean bias) {
        return new DepthwiseConv2d(channels, kernel, stride, bias);
    }
}
