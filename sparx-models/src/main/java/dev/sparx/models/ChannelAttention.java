package dev.sparx.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The channel attention of the cross-layer token mixer: the channels are split into
 * {@link SparXConfig#ATTENTION_GROUPS} groups of g contiguous channels, and within each group a
 * (g x g) attention over channels, softmax(q k^T / sqrt(h'w')) v, mixes v's channels. The scale
 * divides by the square root of q's token count h'w', as torch's scaled_dot_product_attention does
 * for q of shape (B*4, g, h'w').
 */
public final class ChannelAttention {

    private ChannelAttention() {}

    /**
     * @param q queries, (B, d, h', w')
     * @param k keys, (B, d, h', w')
     * @param v values, (B, d, H, W)
     * @return the attended values, (B, d, H, W)
     */
    public static NDArray apply(NDArray q, NDArray k, NDArray v) {
        long batch = v.getShape().get(0);
        long d = v.getShape().get(1);
        long height = v.getShape().get(2);
        long width = v.getShape().get(3);
        long tokens = q.getShape().get(2) * q.getShape().get(3);
        int groups = SparXConfig.ATTENTION_GROUPS;
        long g = d / groups;
        NDArray qg = q.reshape(batch * groups, g, tokens);
        NDArray kg = k.reshape(batch * groups, g, tokens);
        NDArray vg = v.reshape(batch * groups, g, height * width);
        // the scale as a libtorch-owned scalar: DJL's div(Number) wraps the number in a tensor over
        // Java memory that autograd keeps for the backward pass after Java has freed it
        NDArray scale = q.getManager().full(new Shape(), (float) (1 / Math.sqrt(tokens)), q.getDataType());
        NDArray scores = qg.matMul(kg.swapAxes(1, 2)).mul(scale);
        return scores.softmax(2).matMul(vg).reshape(batch, d, height, width);
    }

    /**
     * Multiply-accumulates of the two products, for one image.
     *
     * @param d channels
     * @param reducedTokens h'w'
     * @param tokens H*W
     * @return g*g*h'w' + g*g*H*W per group, times the groups
     */
    static long macs(long d, long reducedTokens, long tokens) {
        long g = d / SparXConfig.ATTENTION_GROUPS;
        return SparXConfig.ATTENTION_GROUPS * g * g * (reducedTokens + tokens);
    }
}
