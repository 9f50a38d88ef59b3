package dev.sparx.models.zoo;

import ai.djl.repository.zoo.ModelZoo;
import dev.sparx.models.SparXConfig;
import java.util.Set;

/**
 * The SparX-Mamba model zoo, group id {@value #GROUP_ID}, found by DJL through its
 * {@link SparXZooProvider} service: {@code Criteria} with artifact id {@code sparx_mamba_t},
 * {@code sparx_mamba_s} or {@code sparx_mamba_b} (the released ImageNet-1k variants) or
 * {@value #CUSTOM} (any configuration, given as JSON) load a {@code ZooModel} on the PyTorch engine.
 *
 * <pre>{@code
 * Criteria<Path, Classifications> criteria = Criteria.builder()
 *         .setTypes(Path.class, Classifications.class)      // or Image.class; NDList.class for features
 *         .optArtifactId("dev.sparx:sparx_mamba_t")
 *         .optArgument("checkpoint", "sparx_mamba_tiny_in1k.pth")
 *         .build();
 * }</pre>
 *
 * <p>Arguments ({@code Criteria.Builder.optArgument}) of the loader: {@value #CHECKPOINT} (a
 * {@code .pth}, {@code .pth.tar} or {@code .safetensors} file; without it a released variant's
 * checkpoint comes from the authors' release), {@value #CONFIG} (the {@value #CUSTOM} artifact's
 * configuration: a JSON file, see {@link SparXConfig#fromJson(String)}, or a {@code SparXConfig}),
 * {@value #NUM_CLASSES} (replaces the head's class count, for a fine-tuned variant), {@value #EMA}
 * (take a training checkpoint's EMA weights), {@value #SCAN} (the selective-scan implementation),
 * {@value #CACHE_DIR} (where released checkpoints are kept) and {@value #RELEASE_URL} (a mirror of
 * the release); and those of {@link SparXTranslatorFactory}. Without a checkpoint the released one
 * is taken from the cache folder, or downloaded into it unless DJL is offline
 * ({@code -Dai.djl.offline=true}).
 */
public final class SparXModelZoo extends ModelZoo {

    /** The zoo's group id. */
    public static final String GROUP_ID = "dev.sparx";
    /** The engine the models run on. */
    public static final String ENGINE = "PyTorch";
    /** The artifact id of a network with a custom configuration. */
    public static final String CUSTOM = "sparx_mamba";

    /** Argument: the checkpoint file. */
    public static final String CHECKPOINT = "checkpoint";
    /** Argument: the configuration of {@value #CUSTOM}, a JSON file or a {@code SparXConfig}. */
    public static final String CONFIG = "config";
    /** Argument: the number of classes of the head, replacing the configuration's. */
    public static final String NUM_CLASSES = "numClasses";
    /** Argument: whether to load a training checkpoint's EMA weights. */
    public static final String EMA = "ema";
    /** Argument: the selective-scan implementation, by name (default {@code auto}). */
    public static final String SCAN = "scan";
    /** Argument: the folder of downloaded released checkpoints. */
    public static final String CACHE_DIR = "cacheDir";
    /** Argument: the address of the release folder, for a mirror. */
    public static final String RELEASE_URL = "releaseUrl";

    /** Registers a loader for each released variant and one for custom configurations. */
    public SparXModelZoo() {
        for (String variant : SparXConfig.variantNames()) {
            addModel(new SparXModelLoader(variant));
        }
        addModel(new SparXModelLoader(CUSTOM));
    }

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return GROUP_ID;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> getSupportedEngines() {
        return Set.of(ENGINE);
    }
}
