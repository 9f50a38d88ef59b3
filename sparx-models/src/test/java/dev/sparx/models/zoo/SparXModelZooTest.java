package dev.sparx.models.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.models.GoldenCase;
import dev.sparx.models.ImageNetClasses;
import dev.sparx.models.SparXMamba;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zoo through DJL's own Criteria: registration, loading, translators, arguments and errors. */
class SparXModelZooTest {

    private static final double GOLDEN_TOLERANCE = 2e-5;

    @TempDir
    Path dir;

    @Test
    void djlFindsTheZooAndItsArtifacts() {
        ModelZoo zoo = ModelZoo.getModelZoo(SparXModelZoo.GROUP_ID);
        assertInstanceOf(SparXModelZoo.class, zoo);
        List<String> artifacts = zoo.getModelLoaders().stream().map(l -> l.getArtifactId()).sorted()
                .collect(Collectors.toList());
        assertEquals(List.of("sparx_mamba", "sparx_mamba_b", "sparx_mamba_s", "sparx_mamba_t"), artifacts);
        List<MRL> listed = ModelZoo.listModels().values().stream().flatMap(List::stream)
                .filter(m -> m.getGroupId().equals(SparXModelZoo.GROUP_ID)).collect(Collectors.toList());
        assertEquals(4, listed.size());
    }

    @Test
    void loadedBlockGivesTheReferenceLogitsAndFeatures() {
        HostTensor input = TinyZoo.golden("input.npy");
        try (ZooModel<Path, NDList> model = TinyZoo.load(TinyZoo.criteria(Path.class, NDList.class, dir));
                NDManager manager = NDManager.newBaseManager()) {
            BackboneFeatures block = (BackboneFeatures) model.getBlock();
            ParameterStore ps = new ParameterStore(manager, false);
            NDList features = block.forward(ps, new NDList(input.toNDArray(manager)), false);
            assertEquals(5, features.size());
            for (int s = 0; s < 4; s++) {
                HostTensor stage = TinyZoo.golden("stage" + (s + 1) + ".npy");
                assertArrayEquals(stage.shape(), features.get(s).getShape().getShape());
                double err = GoldenCase.relativeL2(features.get(s).toFloatArray(), stage.toFloatArray());
                assertTrue(err < GOLDEN_TOLERANCE, "stage " + (s + 1) + ": relative L2 error " + err);
            }
            assertArrayEquals(new long[] {2, 44}, features.get(4).getShape().getShape());
            assertArrayEquals(features.getShapes(), block.getOutputShapes(new Shape[] {new Shape(input.shape())}));
            // the classifier's linear layer (state-dict key classifier.3) reads the embedding
            Block linear = block.getNetwork().getHead().getChildren().values().stream()
                    .filter(b -> b instanceof Linear).findFirst().orElseThrow();
            NDArray logits = linear.forward(ps, new NDList(features.get(4)), false).head();
            double err = GoldenCase.relativeL2(logits.toFloatArray(), TinyZoo.golden("logits.npy").toFloatArray());
            assertTrue(err < GOLDEN_TOLERANCE, "logits: relative L2 error " + err);
        }
    }

    @Test
    void classificationsAreTheSoftmaxOfTheLogitsOfTimmsTensor() throws Exception {
        Path image = TinyZoo.image("kitten.jpg");
        try (ZooModel<Path, Classifications> model = TinyZoo.load(TinyZoo.classifier(dir));
                ZooModel<Path, Classifications> raw = TinyZoo.load(TinyZoo.classifier(dir)
                        .optArgument(SparXTranslatorFactory.APPLY_SOFTMAX, false));
                Predictor<Path, Classifications> predictor = model.newPredictor();
                Predictor<Path, Classifications> rawPredictor = raw.newPredictor();
                NDManager manager = NDManager.newBaseManager()) {
            Classifications probabilities = predictor.predict(image);
            Classifications logits = rawPredictor.predict(image);

            SparXMamba net = (SparXMamba) model.getBlock();
            EvalTransform transform = EvalTransform.imagenet(224, 0.9, dev.sparx.core.image.Interpolation.BICUBIC);
            NDArray x = transform.toNDArray(manager, ImageDecoder.decode(image)).expandDims(0);
            ParameterStore ps = new ParameterStore(manager, false);
            float[] expected = net.forward(ps, new NDList(x), false).head().toFloatArray();
            assertEquals(1000, logits.getProbabilities().size());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], logits.getProbabilities().get(i), 0.0, "logit " + i);
            }
            float[] softmax = manager.create(expected).softmax(0).toFloatArray();
            for (int i = 0; i < softmax.length; i++) {
                assertEquals(softmax[i], probabilities.getProbabilities().get(i), 0.0, "probability " + i);
            }
            assertEquals(ImageNetClasses.names(), probabilities.getClassNames());
            List<Classifications.Classification> top = probabilities.topK();
            assertEquals(5, top.size());
            assertEquals(probabilities.best().getClassName(), top.get(0).getClassName());
            for (int i = 1; i < top.size(); i++) {
                assertTrue(top.get(i).getProbability() <= top.get(i - 1).getProbability());
            }
        }
    }

    @Test
    void djlImagesGiveThePixelsAndTheResultOfTheFile() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : TinyZoo.IMAGES) {
                Image image = ImageFactory.getInstance().fromFile(TinyZoo.image(name));
                assertEquals(ImageDecoder.decode(TinyZoo.image(name)), ImageInputs.toRgb(image, manager), name);
            }
        }
        try (ZooModel<Path, Classifications> byPath = TinyZoo.load(TinyZoo.classifier(dir));
                ZooModel<Image, Classifications> byImage =
                        TinyZoo.load(TinyZoo.criteria(Image.class, Classifications.class, dir));
                Predictor<Path, Classifications> p = byPath.newPredictor();
                Predictor<Image, Classifications> q = byImage.newPredictor()) {
            Path gray = TinyZoo.image("la.png");
            assertEquals(p.predict(gray).getProbabilities(), q.predict(ImageFactory.getInstance().fromFile(gray))
                    .getProbabilities());
        }
    }

    @Test
    void batchPredictionEqualsOneByOne() throws Exception {
        List<Path> images = TinyZoo.IMAGES.stream().map(TinyZoo::image).collect(Collectors.toList());
        try (ZooModel<Path, Classifications> model = TinyZoo.load(TinyZoo.classifier(dir));
                Predictor<Path, Classifications> predictor = model.newPredictor(TinyZoo.smallLogitsTranslator())) {
            List<Classifications> batch = predictor.batchPredict(images);
            for (int i = 0; i < images.size(); i++) {
                List<Double> one = predictor.predict(images.get(i)).getProbabilities();
                List<Double> inBatch = batch.get(i).getProbabilities();
                double worst = 0;
                for (int k = 0; k < one.size(); k++) {
                    worst = Math.max(worst, Math.abs(one.get(k) - inBatch.get(k)));
                }
                // a batch changes libtorch's blocking of the convolutions, not the result beyond rounding
                assertTrue(worst < 1e-4, images.get(i) + ": logits differ by " + worst);
            }
        }
    }

    @Test
    void featurePredictorGivesOneImagesStagesDetached() throws Exception {
        NDList features;
        try (ZooModel<Path, NDList> model = TinyZoo.load(TinyZoo.criteria(Path.class, NDList.class, dir));
                Predictor<Path, NDList> predictor = model.newPredictor()) {
            features = predictor.predict(TinyZoo.image("fox.png"));
        }
        try (NDList f = features) {
            long[][] shapes = {{16, 56, 56}, {24, 28, 28}, {32, 14, 14}, {44, 7, 7}, {44}};
            assertEquals(shapes.length, f.size());
            for (int i = 0; i < shapes.length; i++) {
                assertArrayEquals(shapes[i], f.get(i).getShape().getShape(), "feature " + i);
                // readable after the model is closed: the caller owns them
                assertTrue(Float.isFinite(f.get(i).sum().getFloat()));
            }
        }
    }

    @Test
    void numClassesAndSynsetArgumentsLoadAFineTunedHead() throws Exception {
        // tiny_t with a head cut to its first three classes, as fine-tuning on three classes would leave it
        StateDict weights = Checkpoints.read(TinyZoo.weights());
        StateDict three = new StateDict();
        for (String key : weights.keys()) {
            HostTensor t = weights.get(key);
            if (key.startsWith("classifier.3.")) {
                long[] shape = t.shape().clone();
                shape[0] = 3;
                float[] values = Arrays.copyOf(t.toFloatArray(), Math.toIntExact(HostTensor.numel(shape)));
                t = HostTensor.ofFloats(shape, values);
            }
            three.put(key, t);
        }
        Path checkpoint = dir.resolve("three.pth");
        Checkpoints.write(checkpoint, three);
        Path synset = dir.resolve("names.txt");
        Files.writeString(synset, "tench\ngoldfish\nshark\n");

        Path image = TinyZoo.image("kitten.jpg");
        List<Double> full;
        try (ZooModel<Path, Classifications> model = TinyZoo.load(TinyZoo.classifier(dir)
                        .optArgument(SparXTranslatorFactory.APPLY_SOFTMAX, false));
                Predictor<Path, Classifications> predictor = model.newPredictor()) {
            full = predictor.predict(image).getProbabilities();
        }
        try (ZooModel<Path, Classifications> model = TinyZoo.load(TinyZoo.classifier(dir)
                        .optArgument(SparXModelZoo.CHECKPOINT, checkpoint)
                        .optArgument(SparXModelZoo.NUM_CLASSES, 3)
                        .optArgument(SparXTranslatorFactory.SYNSET, synset));
                Predictor<Path, Classifications> predictor = model.newPredictor();
                NDManager manager = NDManager.newBaseManager()) {
            Classifications c = predictor.predict(image);
            assertEquals(List.of("tench", "goldfish", "shark"), c.getClassNames());
            float[] logits = {full.get(0).floatValue(), full.get(1).floatValue(), full.get(2).floatValue()};
            float[] expected = manager.create(logits).softmax(0).toFloatArray();
            for (int i = 0; i < 3; i++) {
                // a three-row product may round differently from the 1000-row one
                assertEquals(expected[i], c.getProbabilities().get(i), 1e-6, c.getClassNames().get(i));
            }
        }

        SparxException mismatch = assertThrows(SparxException.class, () -> TinyZoo.load(
                TinyZoo.classifier(dir).optArgument(SparXModelZoo.NUM_CLASSES, 3)));
        assertTrue(mismatch.getMessage().contains("does not fit sparx_mamba"), mismatch.getMessage());
        assertTrue(mismatch.getMessage().contains("classifier.3.weight"), mismatch.getMessage());
        SparxException names = assertThrows(SparxException.class, () -> TinyZoo.load(
                TinyZoo.classifier(dir).optArgument(SparXTranslatorFactory.SYNSET, synset)));
        assertTrue(names.getMessage().contains("has 3 names; the head has 1000 classes"), names.getMessage());
    }

    @Test
    void argumentsAreCheckedWithClearMessages() {
        SparxException unknown = assertThrows(SparxException.class, () -> TinyZoo.load(
                TinyZoo.classifier(dir).optArgument("checkpiont", "x.pth")));
        assertTrue(unknown.getMessage().contains("'checkpiont'"), unknown.getMessage());

        SparxException noConfig = assertThrows(SparxException.class, () -> TinyZoo.load(
                TinyZoo.classifier(dir).optArguments(
                        Map.of(SparXModelZoo.CHECKPOINT, TinyZoo.weights()))));
        assertTrue(noConfig.getMessage().contains("'config'"), noConfig.getMessage());

        SparxException fixed = assertThrows(SparxException.class, () -> TinyZoo.load(
                TinyZoo.classifier(dir).optArtifactId("dev.sparx:sparx_mamba_t")));
        assertTrue(fixed.getMessage().contains("fixed configuration"), fixed.getMessage());

        SparxException wrongWeights = assertThrows(SparxException.class, () -> TinyZoo.load(
                TinyZoo.classifier(dir).optArtifactId("dev.sparx:sparx_mamba_t")
                        .optArguments(Map.of(SparXModelZoo.CHECKPOINT, TinyZoo.weights()))));
        assertTrue(wrongWeights.getMessage().contains("patch_embed"), wrongWeights.getMessage());

        SparxException topK = assertThrows(SparxException.class, () -> TinyZoo.load(
                TinyZoo.classifier(dir).optArgument(SparXTranslatorFactory.TOP_K, "five")));
        assertTrue(topK.getMessage().contains("'topK' must be an integer"), topK.getMessage());

        ModelNotFoundException unnamed = assertThrows(ModelNotFoundException.class, () -> Criteria.builder()
                .setTypes(Path.class, Classifications.class).optGroupId(SparXModelZoo.GROUP_ID).build().loadModel());
        assertTrue(unnamed.getCause().getMessage().contains("artifact id"), unnamed.getCause().getMessage());

        ModelNotFoundException types = assertThrows(ModelNotFoundException.class,
                () -> TinyZoo.criteria(String.class, Classifications.class, dir).build().loadModel());
        assertNotNull(types.getCause());
        assertTrue(types.getCause().getMessage().contains("Image, Path or RgbImage"), types.getCause().getMessage());
    }
}
