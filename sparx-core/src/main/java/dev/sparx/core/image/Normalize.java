package dev.sparx.core.image;

import dev.sparx.core.SparxException;
import java.util.Arrays;

/**
 * torchvision's {@code ToTensor} followed by {@code Normalize(mean, std)}: 8-bit H, W, C pixels to
 * a float32 C, H, W tensor {@code (x / 255 - mean[c]) / std[c]}, every step in float32 as torch
 * computes it.
 */
public final class Normalize {

    /** ImageNet's channel statistics, timm's {@code IMAGENET_DEFAULT_MEAN} and {@code _STD}. */
    public static final Normalize IMAGENET =
            new Normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    private final float[] mean;
    private final float[] std;

    /**
     * Creates the normalisation.
     *
     * @param mean per channel (R, G, B), in 0..1 units
     * @param std per channel (R, G, B), positive
     * @throws SparxException unless both have three entries and every std is positive
     */
    public Normalize(float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new SparxException(
                    "mean and std need 3 channels each, got " + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new SparxException("std " + Arrays.toString(std) + " must be positive and finite");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** @return the per-channel mean (a copy) */
    public float[] mean() {
        return mean.clone();
    }

    /** @return the per-channel standard deviation (a copy) */
    public float[] std() {
        return std.clone();
    }

    /**
     * Normalises an image.
     *
     * @param image H x W RGB
     * @return the tensor of shape (C=3, H, W) in row-major order
     */
    public float[] apply(RgbImage image) {
        byte[] px = image.data();
        int n = image.width() * image.height();
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            for (int p = 0; p < n; p++) {
                // ToTensor's float32 division by 255, then Normalize's sub_ and div_.
                out[c * n + p] = ((px[3 * p + c] & 0xff) / 255f - m) / s;
            }
        }
        return out;
    }
}
