package dev.sparx.examples.cli;

import dev.sparx.models.SparXConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The architecture a command builds: a released variant by name, or a custom config file. */
public final class ModelChoice {

    @Option(names = "--model", paramLabel = "NAME", required = true,
            description = "sparx_mamba_t, sparx_mamba_s or sparx_mamba_b.")
    private String model;

    @Option(names = "--config", paramLabel = "CONFIG.json", required = true,
            description = "A custom configuration (depths, dims, stem_type, dense_config, sr_ratio,"
                    + " num_classes; optional drop_path_rate, crop_pct).")
    private Path config;

    /** @return the configuration chosen */
    public SparXConfig config() {
        return model != null ? SparXConfig.variant(model) : SparXConfig.fromJson(config);
    }

    /** @return the variant's name or the config file's */
    public String label() {
        return model != null ? model : config.getFileName().toString();
    }
}
