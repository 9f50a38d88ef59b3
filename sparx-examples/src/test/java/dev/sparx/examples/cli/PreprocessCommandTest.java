package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.image.EvalTransform;
import dev.sparx.core.image.ImageDecoder;
import dev.sparx.core.image.Interpolation;
import dev.sparx.core.tensor.DType;
import dev.sparx.core.tensor.HostTensor;
import dev.sparx.core.tensor.Npy;
import dev.sparx.examples.SparxCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessCommandTest {

    @TempDir
    Path tmp;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PreprocessCommandTest.class.getResource("/preprocess/" + name).toURI());
    }

    /** timm's tensors for airplane1.png at crop 0.90 and 0.95 (from the golden set). */
    private static Map<String, HostTensor> golden() throws URISyntaxException {
        return Npy.readNpz(resource("airplane1_expected.npz"));
    }

    @Test
    void defaultsAreTimmsBicubicAtCrop90() throws Exception {
        Path out = tmp.resolve("a.npy");
        String image = resource("airplane1.png").toString();
        assertEquals(0, SparxCli.run("preprocess", image, "--output", out.toString()));
        assertMatches(golden().get("crop90"), Npy.read(out));
    }

    @Test
    void cropPctIsPassedOn() throws Exception {
        Path out = tmp.resolve("b.npy");
        assertEquals(0, SparxCli.run("preprocess", resource("airplane1.png").toString(),
                "--crop-pct", "0.95", "--output", out.toString()));
        assertMatches(golden().get("crop95"), Npy.read(out));
    }

    @Test
    void sizeAndInterpolationArePassedOn() throws Exception {
        Path out = tmp.resolve("c.npy");
        Path image = resource("airplane1.png");
        assertEquals(0, SparxCli.run("preprocess", image.toString(), "--img-size", "160",
                "--interpolation", "bilinear", "--crop-pct", "0.8", "--output", out.toString()));
        HostTensor written = Npy.read(out);
        assertArrayEquals(new long[] {3, 160, 160}, written.shape());
        float[] expected =
                EvalTransform.imagenet(160, 0.8, Interpolation.BILINEAR).apply(ImageDecoder.decode(image));
        assertArrayEquals(expected, written.toFloatArray());
    }

    @Test
    void badImageIsOneErrorLineNamingTheFile() throws Exception {
        Path missing = tmp.resolve("missing.jpg");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int status;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String out = tmp.resolve("x.npy").toString();
            status = SparxCli.run("preprocess", missing.toString(), "--output", out);
        } finally {
            System.setErr(old);
        }
        assertEquals(2, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("error: cannot decode image " + missing + ": no such file"), message);
    }

    private static void assertMatches(HostTensor expected, HostTensor actual) {
        assertEquals(DType.FLOAT32, actual.dtype());
        assertArrayEquals(expected.shape(), actual.shape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-5, "element " + i);
        }
    }
}
