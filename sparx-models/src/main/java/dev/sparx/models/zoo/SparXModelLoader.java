package dev.sparx.models.zoo;

import ai.djl.Application;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;
import ai.djl.util.Utils;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.CheckpointOptions;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.download.Downloader;
import dev.sparx.core.download.PretrainedCheckpoints;
import dev.sparx.kernels.SelectiveScans;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import dev.sparx.models.StateDictMismatchException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads one artifact of the {@link SparXModelZoo}: builds the network of the artifact's
 * configuration, loads a checkpoint into it strictly (every key, shape and dtype must fit), freezes
 * it for inference and wraps it with the SparX translator in a {@link ZooModel}.
 */
final class SparXModelLoader implements ModelLoader {

    private final String artifactId;
    private final MRL mrl;

    /** @param artifactId a released variant's name or {@link SparXModelZoo#CUSTOM} */
    SparXModelLoader(String artifactId) {
        this.artifactId = artifactId;
        // the loader reads checkpoints itself, so the MRL only names the model: no DJL repository
        mrl = MRL.model(null, Application.CV.IMAGE_CLASSIFICATION, SparXModelZoo.GROUP_ID, artifactId, "1", artifactId);
    }

    @Override
    public String getGroupId() {
        return SparXModelZoo.GROUP_ID;
    }

    @Override
    public String getArtifactId() {
        return artifactId;
    }

    @Override
    public Application getApplication() {
        return Application.CV.IMAGE_CLASSIFICATION;
    }

    @Override
    public MRL getMrl() {
        return mrl;
    }

    /**
     * {@inheritDoc}
     *
     * @throws ModelNotFoundException if the criteria name no artifact id, ask for another engine or
     *     for input and output types no translator supports (DJL then tries other zoos)
     * @throws SparxException if an argument is wrong, the checkpoint cannot be read or does not fit
     *     the configuration
     */
    @Override
    public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria) throws ModelNotFoundException {
        if (criteria.getArtifactId() == null) {
            // a search by application or types alone tries every zoo's loaders: stay out of it rather
            // than pick one of four networks or fail the search with an error of our own
            throw new ModelNotFoundException(
                    "the SparX zoo loads a model named by its artifact id, e.g. optArtifactId(\"dev.sparx:"
                            + artifactId + "\")");
        }
        String engine = criteria.getEngine();
        if (engine != null && !SparXModelZoo.ENGINE.equals(engine)) {
            throw new ModelNotFoundException(
                    "the SparX zoo runs on the " + SparXModelZoo.ENGINE + " engine, not " + engine);
        }
        Class<I> input = criteria.getInputClass();
        Class<O> output = criteria.getOutputClass();
        TranslatorFactory factory = criteria.getTranslatorFactory();
        if (factory == null) {
            factory = new SparXTranslatorFactory();
        }
        if (!factory.isSupported(input, output)) {
            throw new ModelNotFoundException(
                    "no translator for (" + input.getName() + ", " + output.getName() + "); the SparX translators"
                            + " take an Image, Path or RgbImage to Classifications or NDList (features)");
        }
        ZooArguments args = new ZooArguments(criteria.getArguments());
        SparXConfig config = config(args);
        Path checkpoint = checkpoint(args, criteria.getProgress());
        // as the command line reads checkpoints: DistributedDataParallel's prefix is dropped
        StateDict weights = Checkpoints.read(checkpoint,
                CheckpointOptions.NETWORK.withEma(args.bool(SparXModelZoo.EMA, false)));

        String name = criteria.getModelName() == null ? artifactId : criteria.getModelName();
        Model model = Model.newInstance(name, criteria.getDevice(), SparXModelZoo.ENGINE);
        try {
            SparXMamba network = SparXMamba.builder()
                    .setConfig(config)
                    .optSelectiveScan(SelectiveScans.byName(args.string(SparXModelZoo.SCAN, SelectiveScans.AUTO)))
                    .build();
            network.initialize(model.getNDManager(), DataType.FLOAT32,
                    new Shape(1, SparXConfig.IN_CHANNELS, SparXTranslatorFactory.IMAGE_SIZE,
                            SparXTranslatorFactory.IMAGE_SIZE));
            try {
                StateDictLoader.load(network, weights);
            } catch (StateDictMismatchException e) {
                throw new SparxException("checkpoint " + checkpoint + " does not fit " + artifactId + ": "
                        + e.getMessage(), e);
            }
            // inference only: no autograd graph per prediction (unfreeze to fine-tune)
            network.freezeParameters(true);
            model.setBlock(output == NDList.class ? new BackboneFeatures(network) : network);
            model.setProperty("config", config.toString());
            Translator<I, O> translator = factory.newInstance(input, output, model, criteria.getArguments());
            return new ZooModel<>(model, translator);
        } catch (TranslateException e) {
            model.close();
            throw new ModelNotFoundException("the translator factory failed for " + artifactId, e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private SparXConfig config(ZooArguments args) {
        SparXConfig config;
        if (SparXModelZoo.CUSTOM.equals(artifactId)) {
            Object c = args.get(SparXModelZoo.CONFIG);
            if (c == null) {
                throw new SparxException(
                        "artifact " + SparXModelZoo.CUSTOM + " needs the Criteria argument '" + SparXModelZoo.CONFIG
                                + "': a config JSON file or a SparXConfig");
            }
            config = c instanceof SparXConfig sc ? sc : SparXConfig.fromJson(args.path(SparXModelZoo.CONFIG));
        } else {
            if (args.has(SparXModelZoo.CONFIG)) {
                throw new SparxException(
                        "artifact " + artifactId + " has a fixed configuration; to load a custom one use artifact "
                                + SparXModelZoo.CUSTOM + " with the argument '" + SparXModelZoo.CONFIG + "'");
            }
            config = SparXConfig.variant(artifactId);
        }
        if (args.has(SparXModelZoo.NUM_CLASSES)) {
            config = config.toBuilder().setNumClasses(args.integer(SparXModelZoo.NUM_CLASSES, 0, 1)).build();
        }
        return config;
    }

    /**
     * The checkpoint the arguments name, or the released one of this artifact: from the cache
     * folder, else downloaded into it unless DJL is offline.
     */
    private Path checkpoint(ZooArguments args, Progress progress) {
        Path file = args.path(SparXModelZoo.CHECKPOINT);
        if (file != null) {
            return file;
        }
        if (!PretrainedCheckpoints.models().contains(artifactId)) {
            throw new SparxException(
                    "artifact " + artifactId + " needs the Criteria argument '" + SparXModelZoo.CHECKPOINT
                            + "': a .pth, .pth.tar or .safetensors file");
        }
        PretrainedCheckpoints release = release(args);
        Path cached = release.cached(artifactId);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        if (Utils.isOfflineMode()) {
            throw new SparxException(
                    "no checkpoint of " + artifactId + " at " + cached + ", and DJL is offline (ai.djl.offline):"
                            + " download " + release.url(artifactId) + " to that file, or give a copy with the"
                            + " Criteria argument '" + SparXModelZoo.CHECKPOINT + "'");
        }
        if (progress == null) {
            return release.fetch(artifactId, Downloader.Progress.NONE);
        }
        progress.reset("Downloading " + PretrainedCheckpoints.fileName(artifactId), 1);
        try {
            return release.fetch(artifactId, (done, total) -> {
                if (total > 0) {
                    progress.reset("Downloading " + PretrainedCheckpoints.fileName(artifactId), total);
                }
                progress.update(done);
            });
        } finally {
            progress.end();
        }
    }

    private static PretrainedCheckpoints release(ZooArguments args) {
        String url = args.string(SparXModelZoo.RELEASE_URL, null);
        Path cacheDir = args.path(SparXModelZoo.CACHE_DIR);
        return new PretrainedCheckpoints(
                url == null ? PretrainedCheckpoints.RELEASE_URL : URI.create(url),
                cacheDir == null ? PretrainedCheckpoints.defaultCacheDir() : cacheDir,
                new Downloader());
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
        ZooArguments args = new ZooArguments(criteria.getArguments());
        Path file = args.path(SparXModelZoo.CHECKPOINT);
        if (file != null) {
            return Files.isRegularFile(file);
        }
        return PretrainedCheckpoints.models().contains(artifactId)
                && Files.isRegularFile(release(args).cached(artifactId));
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
        checkpoint(new ZooArguments(criteria.getArguments()), progress);
    }

    @Override
    public String toString() {
        return mrl.toString();
    }
}
