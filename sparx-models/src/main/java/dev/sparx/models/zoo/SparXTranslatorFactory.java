package dev.sparx.models.zoo;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import dev.sparx.core.SparxException;
import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.Interpolation;
import dev.sparx.models.ImageNetClasses;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes the SparX translators for a model whose block is a {@link SparXMamba} (output
 * {@link Classifications}) or a {@link BackboneFeatures} (output {@link NDList}, the features),
 * for the inputs {@link ai.djl.modality.cv.Image}, {@link Path} and
 * {@link dev.sparx.core.image.RgbImage}. The transform is timm's evaluation transform at 224 x 224
 * with the configuration's crop fraction and bicubic resampling.
 *
 * <p>Arguments (all optional): {@value #APPLY_SOFTMAX} (default true; false gives the logits),
 * {@value #TOP_K} (default 5) and {@value #SYNSET}, a UTF-8 file with one class name per line for a
 * head that is not ImageNet-1k's. Without it a 1000-class head gets {@link ImageNetClasses#names()}
 * and any other head the class indices ({@code "0"}, {@code "1"}, ...) as names.
 */
public final class SparXTranslatorFactory implements TranslatorFactory {

    /** Argument: whether classifications are probabilities (true) or logits (false). */
    public static final String APPLY_SOFTMAX = "applySoftmax";
    /** Argument: how many classes a {@link Classifications} shows by default. */
    public static final String TOP_K = "topK";
    /** Argument: a file of class names, one per line, in the order of the head's outputs. */
    public static final String SYNSET = "synset";

    /** The input size of timm's default configuration of the SparX models. */
    public static final int IMAGE_SIZE = 224;

    /** The resize filter every released variant was evaluated with (timm's bicubic, PIL's filter). */
    public static final Interpolation INTERPOLATION = Interpolation.BICUBIC;

    private static final Set<Pair<Type, Type>> SUPPORTED = new LinkedHashSet<>();

    static {
        for (Class<?> input : ImageInputs.TYPES) {
            SUPPORTED.add(new Pair<>(input, Classifications.class));
            SUPPORTED.add(new Pair<>(input, NDList.class));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return SUPPORTED;
    }

    /**
     * The evaluation transform of a configuration.
     *
     * @param config the network's configuration
     * @return timm's eval transform: 224, the configuration's crop fraction, bicubic, ImageNet statistics
     */
    public static EvalTransform evalTransform(SparXConfig config) {
        return EvalTransform.imagenet(IMAGE_SIZE, config.cropPct(), INTERPOLATION);
    }

    /**
     * Makes a translator.
     *
     * @param input {@code Image}, {@code Path} or {@code RgbImage}
     * @param output {@code Classifications} or {@code NDList}
     * @param model a model whose block is a {@link SparXMamba} (classifications) or a
     *     {@link BackboneFeatures} (features)
     * @param arguments {@value #APPLY_SOFTMAX}, {@value #TOP_K}, {@value #SYNSET}; others of the zoo
     *     are ignored
     * @return the translator
     * @throws SparxException if the types are not supported, the block does not fit the output, or
     *     an argument is wrong
     */
    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(
            Class<I> input, Class<O> output, Model model, Map<String, ?> arguments) {
        if (!isSupported(input, output)) {
            throw new SparxException(
                    "the SparX translators take an Image, Path or RgbImage to Classifications or NDList; got ("
                            + input.getName() + ", " + output.getName() + ")");
        }
        ZooArguments args = new ZooArguments(arguments);
        Block block = model.getBlock();
        if (output == NDList.class) {
            if (!(block instanceof BackboneFeatures features)) {
                throw new SparxException(
                        "NDList output means backbone features, which need a BackboneFeatures block; model '"
                                + model.getName() + "' has " + describe(block));
            }
            return (Translator<I, O>) new SparXFeatureTranslator<I>(evalTransform(features.getNetwork().getConfig()));
        }
        if (!(block instanceof SparXMamba network)) {
            throw new SparxException(
                    "Classifications need a SparXMamba block; model '" + model.getName() + "' has " + describe(block));
        }
        SparXConfig config = network.getConfig();
        return (Translator<I, O>) new SparXClassificationTranslator<I>(
                evalTransform(config),
                classNames(config.numClasses(), args.path(SYNSET)),
                args.bool(APPLY_SOFTMAX, true),
                args.integer(TOP_K, 5, 1));
    }

    private static String describe(Block block) {
        return block == null ? "no block" : "a " + block.getClass().getSimpleName();
    }

    /**
     * The class names of a head.
     *
     * @param classes the head's outputs, K
     * @param synset a file of K names, one per line, or null
     * @return K names
     */
    static List<String> classNames(int classes, Path synset) {
        if (synset != null) {
            List<String> names;
            try {
                names = Files.readAllLines(synset, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new SparxException("cannot read the class names file " + synset + ": " + e.getMessage(), e);
            }
            while (!names.isEmpty() && names.get(names.size() - 1).isBlank()) {
                names.remove(names.size() - 1);
            }
            if (names.size() != classes) {
                throw new SparxException(
                        "class names file " + synset + " has " + names.size() + " names; the head has " + classes
                                + " classes");
            }
            return names;
        }
        if (classes == ImageNetClasses.COUNT) {
            return ImageNetClasses.names();
        }
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }
}
