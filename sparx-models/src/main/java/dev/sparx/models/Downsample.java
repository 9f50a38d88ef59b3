package dev.sparx.models;

/** The downsample after stages 1..3: a 3x3 stride-2 convolution without bias, then BatchNorm. */
public final class Downsample extends NamedSequential {

    /**
     * @param out the next stage's width
     */
    public Downsample(int out) {
        add("0", Convolutions.conv(out, 3, 2, 1, 1, false));
        add("1", new BatchNorm2d(out));
    }
}
