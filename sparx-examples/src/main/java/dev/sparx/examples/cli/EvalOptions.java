package dev.sparx.examples.cli;

import dev.sparx.examples.validate.EvalSettings;
import dev.sparx.models.SparXConfig;
import picocli.CommandLine.Option;

/** The preprocessing options of {@code validate} and {@code predict}; those not given take the model's. */
public final class EvalOptions {

    @Option(names = "--img-size", paramLabel = "N", description = "Input side (default 224).")
    Integer imgSize;

    @Option(names = "--crop-pct", paramLabel = "P",
            description = "Centre-crop fraction (default: the model's, 0.9 for T, 0.95 for S and B).")
    Double cropPct;

    @Option(names = "--interpolation", paramLabel = "I", description = "bicubic (default) or bilinear.")
    String interpolation;

    /** @return whether any of these options was given */
    boolean anyGiven() {
        return imgSize != null || cropPct != null || interpolation != null;
    }

    /**
     * The settings for a model.
     *
     * @param config the model, whose crop fraction is the default
     * @return its defaults with the options given applied
     */
    EvalSettings settings(SparXConfig config) {
        return EvalSettings.of(config).override(imgSize, cropPct, interpolation);
    }
}
