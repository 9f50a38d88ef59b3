package dev.sparx.examples.cli;

import dev.sparx.core.SparxException;
import dev.sparx.core.download.DownloadException;
import dev.sparx.core.download.Downloader;
import dev.sparx.core.download.PretrainedCheckpoints;
import dev.sparx.kernels.SelectiveScan;
import dev.sparx.kernels.SelectiveScans;
import dev.sparx.models.SparXConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options that choose a model and its weights, shared by {@code validate} and {@code predict}:
 * {@code --model NAME} or {@code --config FILE} ({@link ModelChoice}), then {@code --checkpoint FILE}
 * or {@code --pretrained} (the authors' release, downloaded once into a cache folder), and the
 * selective-scan implementation.
 */
public final class ModelOptions {

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    ModelChoice choice;

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

    @Option(names = "--scan", paramLabel = "SCAN", defaultValue = SelectiveScans.AUTO,
            description = "Selective-scan implementation: auto or one of ${COMPLETION-CANDIDATES}"
                    + " (default ${DEFAULT-VALUE}).",
            completionCandidates = PredictTensorCommand.ScanNames.class)
    String scan;

    /** @return whether any option naming a model or its weights was given */
    boolean anyGiven() {
        return choice != null || checkpoint != null || pretrained || numClasses != null || cacheDir != null
                || releaseUrl != null;
    }

    /** @return the selective-scan implementation --scan names */
    SelectiveScan selectiveScan() {
        return SelectiveScans.byName(scan);
    }

    /**
     * The architecture the options name, with {@code --num-classes} applied.
     *
     * @return the configuration
     * @throws SparxException if neither --model nor --config is given, or the config is invalid
     */
    SparXConfig config() {
        if (choice == null) {
            throw new SparxException(
                    "no model: give --model NAME (one of " + SparXConfig.variantNames() + ") or --config FILE");
        }
        SparXConfig c = choice.config();
        if (numClasses != null && numClasses != c.numClasses()) {
            c = c.toBuilder().setNumClasses(numClasses).build();
        }
        return c;
    }

    /** @return the model's name for reports: the variant, or the config file's name */
    String modelName() {
        return choice.label();
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
        // with --model, the label is the variant's name
        String model = choice == null ? null : choice.label();
        if (model == null || !PretrainedCheckpoints.models().contains(model)) {
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
        // the bar appears once the server answers, so that an offline machine prints only the error
        ProgressBar[] bar = new ProgressBar[1];
        try {
            return release.fetch(model, (done, total) -> {
                if (bar[0] == null) {
                    bar[0] = new ProgressBarBuilder().setTaskName("download").setUnit(" MB", 1 << 20)
                            .setStyle(ProgressBarStyle.ASCII).showSpeed().build();
                }
                bar[0].maxHint(total);
                bar[0].stepTo(done);
            });
        } catch (DownloadException e) {
            throw new DownloadException(e.getMessage() + " (or give any copy of it with --checkpoint FILE)", e);
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
    }
}
