package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.sparx.kernels.ParameterViews;

/**
 * A 1x1 convolution (stride 1) computed as the matrix product it is: (Cout, Cin) by (Cin, H*W) per
 * image, or one such product per group, then the bias added in place (or left to the next step,
 * see {@link #product}). Parameters, initialisation and shapes are DJL's {@link Conv2d}'s, so the
 * state dict and the complexity count see an ordinary convolution.
 *
 * <p>Why not libtorch's convolution: with several threads it sends a 1x1 kernel to oneDNN on the
 * NCHW layout, and with one thread and a batch below 16 to its slow path, which runs groups one
 * by one and concatenates them; all were measured slower than its matrix products
 * (docs/performance.md, "1x1 convolutions").
 */
final class PointwiseConv2d extends Conv2d {

    /**
     * @param out output channels, a multiple of groups
     * @param groups groups
     * @param bias whether it has a bias
     */
    PointwiseConv2d(int out, int groups, boolean bias) {
        super(Conv2d.builder().setFilters(out).setKernelShape(new Shape(1, 1)).optGroups(groups).optBias(bias));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = product(parameterStore, x, training);
        NDArray b = bias(parameterStore, x, training);
        if (b != null) {
            y.addi(b.reshape(filters, 1, 1));
        }
        return new NDList(y);
    }

    /**
     * The convolution without its bias, for a caller whose next step adds the bias as it reads the
     * result ({@link DepthwiseConv2d}'s input bias) instead of in a pass of its own.
     *
     * @param parameterStore the parameters
     * @param x (B, Cin, H, W)
     * @param training whether in training mode
     * @return (B, Cout, H, W)
     */
    NDArray product(ParameterStore parameterStore, NDArray x, boolean training) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long height = s.get(2);
        long width = s.get(3);
        long perGroup = filters / groups;
        // (Cout, Cin) for one group: libtorch runs a 2-D product with all its threads, while a batched
        // product of one matrix runs on one; and no batch axis for one image, which libtorch's matmul
        // would otherwise broadcast the weight over
        long[] wShape = groups == 1 ? new long[] {filters, -1} : new long[] {groups, perGroup, -1};
        long[] xShape = groups == 1 ? new long[] {-1, height * width} : new long[] {groups, -1, height * width};
        NDArray w = ParameterViews.reshape(parameterStore.getValue(weight, x.getDevice(), training), x, wShape);
        NDArray y = w.matMul(batch == 1 ? x.reshape(xShape) : x.reshape(new Shape(batch).addAll(new Shape(xShape))));
        return y.reshape(batch, filters, height, width);
    }

    /**
     * @param parameterStore the parameters
     * @param x the input the bias will be added with (its device and manager are the view's)
     * @param training whether in training mode
     * @return the bias, (Cout), or null where the convolution has none
     */
    NDArray bias(ParameterStore parameterStore, NDArray x, boolean training) {
        return bias == null ? null
                : ParameterViews.reshape(parameterStore.getValue(bias, x.getDevice(), training), x, filters);
    }
}
