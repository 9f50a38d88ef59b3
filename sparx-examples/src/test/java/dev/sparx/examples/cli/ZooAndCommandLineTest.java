package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import dev.sparx.examples.MicroSparx;
import dev.sparx.examples.SparxCli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model zoo and the command line agree bit for bit: an image classified through DJL's Criteria
 * and Predictor gives the same float32 logits as {@code sparx preprocess} followed by
 * {@code sparx predict-tensor} on the same checkpoint.
 */
class ZooAndCommandLineTest {

    @TempDir
    Path dir;

    @Test
    void zooAndCommandLineGiveIdenticalLogits() throws Exception {
        MicroSparx micro = MicroSparx.write(dir);
        Path image = MicroSparx.image("kitten.jpg");

        Path chw = dir.resolve("kitten.npy");
        assertEquals(0, SparxCli.run("preprocess", image.toString(), "--crop-pct", "0.95", "--output", chw.toString()));
        HostTensor x = Npy.read(chw);
        long[] s = x.shape();
        Path batch = dir.resolve("batch.npy");
        Npy.write(batch, HostTensor.ofFloats(new long[] {1, s[0], s[1], s[2]}, x.toFloatArray()));
        Path logitsFile = dir.resolve("logits.npy");
        assertEquals(0, SparxCli.run("predict-tensor", "--config", micro.config().toString(),
                "--checkpoint", micro.checkpoint().toString(), "--input", batch.toString(),
                "--output", logitsFile.toString()));
        float[] commandLine = Npy.read(logitsFile).toFloatArray();

        Criteria<Path, Classifications> criteria = Criteria.builder()
                .setTypes(Path.class, Classifications.class)
                .optArtifactId("dev.sparx:sparx_mamba")
                .optArgument("checkpoint", micro.checkpoint())
                .optArgument("config", micro.config())
                .optArgument("applySoftmax", false)
                .build();
        try (ZooModel<Path, Classifications> model = criteria.loadModel();
                Predictor<Path, Classifications> predictor = model.newPredictor()) {
            List<Double> zoo = predictor.predict(image).getProbabilities();
            float[] zooLogits = new float[zoo.size()];
            for (int i = 0; i < zooLogits.length; i++) {
                zooLogits[i] = zoo.get(i).floatValue();
            }
            assertArrayEquals(commandLine, zooLogits);
        }
    }
}
