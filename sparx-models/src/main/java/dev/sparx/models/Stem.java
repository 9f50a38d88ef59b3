package dev.sparx.models;

/**
 * The stem ({@code patch_embed}): two (v1) or three (v2) 3x3 convolutions without bias, each followed
 * by BatchNorm, GELU between them; overall stride 4, from 3 to dims[0] channels through dims[0]/2.
 */
public final class Stem extends NamedSequential {

    /**
     * @param type v1 or v2
     * @param dim dims[0], even
     */
    public Stem(SparXConfig.StemType type, int dim) {
        int half = dim / 2;
        add("0", Convolutions.conv(half, 3, 2, 1, 1, false));
        add("1", new BatchNorm2d(half));
        add("2", Pointwise.gelu());
        if (type == SparXConfig.StemType.V1) {
            add("3", Convolutions.conv(dim, 3, 2, 1, 1, false));
            add("4", new BatchNorm2d(dim));
        } else {
            add("3", Convolutions.conv(half, 3, 1, 1, 1, false));
            add("4", new BatchNorm2d(half));
            add("5", Pointwise.gelu());
            add("6", Convolutions.conv(dim, 3, 2, 1, 1, false));
            add("7", new BatchNorm2d(dim));
        }
    }
}
