package dev.sparx.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;

/**
 * Multiply-accumulates of an initialised network for one image, counted as the reference counts
 * are: convolutions and linear layers (weight elements times output positions), the two products of
 * each channel attention, and 9*L*D*N + L*D per selective scan over its K*D channels, together with
 * the scan's step-size and B/C projections. Norms, activations and elementwise sums are not counted.
 */
public final class Complexity {

    private Complexity() {}

    /**
     * @param block a block initialised with a batch-1 input shape (its blocks keep their input shapes)
     * @return the count for that input
     */
    public static long macs(Block block) {
        long n = 0;
        if (block instanceof Convolution || block instanceof Linear) {
            Shape out = block.getOutputShapes(block.getInputShapes())[0];
            long positions = out.dimension() == 4 ? out.get(2) * out.get(3) : 1;
            Parameter weight = block.getDirectParameters().get("weight");
            n += positions * weight.getShape().size();
        } else if (block instanceof TokenMixer) {
            Shape x = block.getInputShapes()[0];
            n += ((TokenMixer) block).macs(x.get(2), x.get(3));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            n += macs(child.getValue());
        }
        return n;
    }
}
