package dev.sparx.core.image;

import dev.sparx.core.SparxException;
import java.util.Locale;

/**
 * The resampling filters of PIL that timm's transforms use, with the kernel and support of
 * Pillow's {@code Resample.c} ({@code bilinear_filter}, {@code bicubic_filter} with a = -0.5).
 */
public enum Interpolation {
    /** Triangle filter, support 1. */
    BILINEAR(1.0) {
        @Override
        double weight(double x) {
            double ax = Math.abs(x);
            return ax < 1.0 ? 1.0 - ax : 0.0;
        }
    },
    /** Keys cubic convolution with a = -0.5, support 2. */
    BICUBIC(2.0) {
        @Override
        double weight(double x) {
            // Same operation order as Pillow's bicubic_filter, so the double results agree bit for bit.
            double a = -0.5;
            double ax = Math.abs(x);
            if (ax < 1.0) {
                return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
            }
            if (ax < 2.0) {
                return (((ax - 5) * ax + 8) * ax - 4) * a;
            }
            return 0.0;
        }
    };

    private final double support;

    Interpolation(double support) {
        this.support = support;
    }

    /** @return the kernel's half width at scale 1, in source pixels */
    double support() {
        return support;
    }

    /** The kernel's value at distance {@code x} (in filter units) from the output sample's centre. */
    abstract double weight(double x);

    /**
     * Parses timm's name for the filter.
     *
     * @param name {@code bicubic} or {@code bilinear}, any case
     * @return the filter
     * @throws SparxException for any other name
     */
    public static Interpolation fromName(String name) {
        for (Interpolation i : values()) {
            if (i.timmName().equals(name.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw new SparxException("unknown interpolation '" + name + "'; expected bicubic or bilinear");
    }

    /** @return timm's name: {@code bicubic} or {@code bilinear} */
    public String timmName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
