package dev.sparx.examples.validate;

import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.Interpolation;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.zoo.SparXTranslatorFactory;
import java.util.Locale;

/**
 * The evaluation preprocessing of a model: input size, crop fraction and resize filter, with
 * ImageNet's mean and std. The specification's defaults hold for every SparX-Mamba variant but
 * the crop fraction, which the configuration carries (0.9 for T, 0.95 for S and B).
 *
 * @param imgSize side of the square input, H = W
 * @param cropPct fraction of the resized shorter side the centre crop keeps
 * @param interpolation the resize filter
 */
public record EvalSettings(int imgSize, double cropPct, Interpolation interpolation) {

    /** The input side every released variant was trained and evaluated at. */
    public static final int DEFAULT_IMG_SIZE = SparXTranslatorFactory.IMAGE_SIZE;
    /** The resize filter of every released variant. */
    public static final Interpolation DEFAULT_INTERPOLATION = SparXTranslatorFactory.INTERPOLATION;

    /**
     * A model's defaults.
     *
     * @param config the model
     * @return 224, the config's crop_pct, bicubic
     */
    public static EvalSettings of(SparXConfig config) {
        return new EvalSettings(DEFAULT_IMG_SIZE, config.cropPct(), DEFAULT_INTERPOLATION);
    }

    /**
     * These settings with the user's choices applied.
     *
     * @param size the input side, or null to keep this one
     * @param crop the crop fraction, or null to keep this one
     * @param filter {@code bicubic} or {@code bilinear}, or null to keep this one
     * @return the settings
     */
    public EvalSettings override(Integer size, Double crop, String filter) {
        return new EvalSettings(
                size == null ? imgSize : size,
                crop == null ? cropPct : crop,
                filter == null ? interpolation : Interpolation.fromName(filter));
    }

    /** @return timm's eval transform with these settings and ImageNet's mean and std */
    public EvalTransform transform() {
        return EvalTransform.imagenet(imgSize, cropPct, interpolation);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dx%d, %s resize of the shorter side to %d, crop pct %s", imgSize,
                imgSize, interpolation.timmName(), transform().scaleSize(), cropPct);
    }
}
