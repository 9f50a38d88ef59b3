package dev.sparx.examples.cli;

import dev.sparx.core.SparxException;
import dev.sparx.core.download.DownloadException;
import dev.sparx.core.download.Downloader;
import dev.sparx.core.download.PretrainedCheckpoints;
import dev.sparx.models.SparXConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Option;

/**
 * The options that choose a model and its weights, shared by {@code validate} and {@code predict}:
 * {@code --model NAME} or {@code --config FILE}, then {@code --checkpoint FILE} or
 * {@code --pretrained} (the authors' release, downloaded once into a cache folder).
 */
public final class ModelOptions {

    @Option(names = "--model", paramLabel = "NAME",
            description = "A released variant: sparx_mamba_t, sparx_mamba_s or sparx_mamba_b.")
    String model;

    @Option(names = "--config", paramLabel = "CONFIG.json",
            description = "A custom architecture in JSON (the golden cases' config form).")
    Path config;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Weights: a .pth (torch.save) or .safetensors state dict, bare or under 'state_dict'"
                    + " or 'model'.")
    Path checkpoint;

    @Option(names = "--pretrained",
            description = "Use the authors' ImageNet-1k checkpoint of --model, downloaded on first use into the"
                    + " cache folder.")
    boolean pretrained;

    @Option(names = "--num-classes", paramLabel = "N",
            description = "Classes of the head, if not the configuration's (1000 for the released variants).")
    Integer numClasses;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where --pretrained keeps checkpoints (default: $SPARX_CACHE_DIR, else"
                    + " $XDG_CACHE_HOME/sparx, else ~/.cache/sparx).")
    Path cacheDir;

    @Option(names = "--release-url", paramLabel = "URL",
            description = "Where --pretrained downloads from, for a mirror (default: the authors' GitHub"
                    + " release v1).")
    URI releaseUrl;

    /** @return whether any of these options was given */
    boolean anyGiven() {
        return model != null || config != null || checkpoint != null || pretrained || numClasses != null
                || cacheDir != null || releaseUrl != null;
    }

    /**
     * The architecture the options name, with {@code --num-classes} applied.
     *
     * @return the configuration
     * @throws SparxException unless exactly one of --model and --config is given, or if the config is invalid
     */
    SparXConfig config() {
        if ((model == null) == (config == null)) {
            throw new SparxException(model == null
                    ? "no model: give --model NAME (one of " + SparXConfig.variantNames() + ") or --config FILE"
                    : "give either --model or --config, not both");
        }
        SparXConfig c = model != null ? SparXConfig.variant(model) : SparXConfig.fromJson(config);
        if (numClasses != null && numClasses != c.numClasses()) {
            c = c.toBuilder().setNumClasses(numClasses).build();
        }
        return c;
    }

    /** @return the model's name for reports: the variant, or the config file's name without {@code .json} */
    String modelName() {
        return model != null ? model : config.getFileName().toString().replaceFirst("\\.json$", "");
    }

    /**
     * The checkpoint file the options name, downloading the released one if needed.
     *
     * @param err where the download's progress goes
     * @return an existing file
     * @throws SparxException unless exactly one of --checkpoint and --pretrained is given, if the file
     *     is missing, or if the download fails
     */
    Path checkpoint(PrintWriter err) {
        if ((checkpoint == null) == !pretrained) {
            throw new SparxException(checkpoint == null
                    ? "no weights: give --checkpoint FILE or --pretrained"
                    : "give either --checkpoint or --pretrained, not both");
        }
        if (checkpoint != null) {
            if (!Files.isRegularFile(checkpoint)) {
                throw new SparxException("checkpoint " + checkpoint + " does not exist or is not a file");
            }
            return checkpoint;
        }
        if (model == null) {
            throw new SparxException("--pretrained needs --model: released checkpoints exist for "
                    + PretrainedCheckpoints.models());
        }
        PretrainedCheckpoints release = new PretrainedCheckpoints(
                releaseUrl != null ? releaseUrl : PretrainedCheckpoints.RELEASE_URL,
                cacheDir != null ? cacheDir : PretrainedCheckpoints.defaultCacheDir(),
                new Downloader());
        Path cached = release.cached(model);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        err.println("downloading " + release.url(model) + " to " + cached);
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("download").setUnit(" MB", 1 << 20)
                .setStyle(ProgressBarStyle.ASCII).showSpeed().build()) {
            return release.fetch(model, (done, total) -> {
                bar.maxHint(total);
                bar.stepTo(done);
            });
        } catch (DownloadException e) {
            throw new DownloadException(e.getMessage() + " (or give any copy of it with --checkpoint FILE)", e);
        }
    }
}
