package dev.sparx.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sparx.core.SparxException;
import java.util.Arrays;

/**
 * An activation (B, C, ...) seen as B*C planes of L elements with a per-channel affine, (C) vectors:
 * the layout GroupNorm and the layer-scaled residual share, in their NDArray forms and their native
 * kernels (which take L as a 32-bit size).
 */
final class ChannelPlanes {

    private ChannelPlanes() {}

    /** @return whether the native kernels can take x: (B, C, ...), not empty, L within 32 bits */
    static boolean fitNativeKernel(NDArray x) {
        Shape s = x.getShape();
        long plane = s.dimension() >= 2 && s.size() > 0 ? s.size() / (s.get(0) * s.get(1)) : 0;
        return plane > 0 && plane <= Integer.MAX_VALUE;
    }

    /**
     * @param prefix the operation's name for messages
     * @param x (B, C, ...), not empty
     * @param firstName the first per-channel vector's name, for messages
     * @param first (C)
     * @param secondName the second one's name
     * @param second (C)
     * @return C
     * @throws SparxException naming the array whose shape is wrong
     */
    static long checkChannels(String prefix, NDArray x, String firstName, NDArray first, String secondName,
            NDArray second) {
        Shape s = x.getShape();
        if (s.dimension() < 2 || s.size() == 0) {
            throw new SparxException(prefix + "x has shape " + s + "; expected (B, C, ...) and not empty");
        }
        Shape c = new Shape(s.get(1));
        if (!first.getShape().equals(c) || !second.getShape().equals(c)) {
            throw new SparxException(prefix + firstName + " " + first.getShape() + " and " + secondName + " "
                    + second.getShape() + " must both be " + c);
        }
        return s.get(1);
    }

    /**
     * @param prefix the native operation's name for messages
     * @param x (B, C, ...), checked by {@link #checkChannels}
     * @return L, the elements of one plane, as the kernel's 32-bit size
     * @throws SparxException where L exceeds it
     */
    static int planeSize(String prefix, NDArray x) {
        Shape s = x.getShape();
        long plane = s.size() / (s.get(0) * s.get(1));
        if (plane > Integer.MAX_VALUE) {
            throw new SparxException(prefix + "planes of " + plane + " elements exceed the kernel's 32-bit sizes");
        }
        return (int) plane;
    }

    /**
     * @param x (B, C, ...)
     * @return (C, 1, ..., 1): a per-channel vector's shape to broadcast over one sample of x
     */
    static long[] perChannel(NDArray x) {
        long[] shape = new long[x.getShape().dimension() - 1];
        Arrays.fill(shape, 1);
        shape[0] = x.getShape().get(1);
        return shape;
    }
}
