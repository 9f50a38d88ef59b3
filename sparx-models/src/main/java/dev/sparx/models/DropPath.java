package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Stochastic depth on a residual branch in training mode (timm's DropPath): each sample's branch is
 * kept with probability 1 - rate and then divided by 1 - rate, so its expectation is unchanged.
 */
final class DropPath {

    private DropPath() {}

    /**
     * @param branch the residual branch, (B, ...)
     * @param rate the probability of dropping a sample's branch
     * @param training whether in training mode; in eval mode this is the identity
     * @return the branch, masked and rescaled per sample when training
     */
    static NDArray apply(NDArray branch, double rate, boolean training) {
        if (!training || rate == 0) {
            return branch;
        }
        double keep = 1 - rate;
        // the mask carries no gradient, so DJL's scalar operations (see ChannelAttention) are safe here
        long[] maskShape = new long[branch.getShape().dimension()];
        Arrays.fill(maskShape, 1);
        maskShape[0] = branch.getShape().get(0);
        NDArray mask =
                branch.getManager()
                        .randomUniform(0, 1, new Shape(maskShape), branch.getDataType())
                        .lt(keep)
                        .toType(branch.getDataType(), false)
                        .div(keep);
        return branch.mul(mask);
    }
}
