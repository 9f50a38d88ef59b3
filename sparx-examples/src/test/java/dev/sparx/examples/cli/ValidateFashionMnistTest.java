package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.examples.cli.CliRun.Outcome;
import dev.sparx.examples.data.FashionMnist;
import dev.sparx.examples.validate.ShippedModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparx validate} on Fashion-MNIST, and the offline default. The test resources hold a
 * stand-in for the shipped model under the shipped model's resource names: a tiny configuration
 * (depths 1, 1, 2, 1; dims 8 to 32; 10 classes) with random weights, written once by building
 * {@code SparXMamba} from {@code fashion_mnist.json} and saving its state dict with
 * {@code Checkpoints.write}. The data is the default test split (Debian's package, else the project's copy).
 */
class ValidateFashionMnistTest {

    @TempDir
    Path tmp;

    private static Path shipped(String name) throws URISyntaxException {
        return Path.of(ValidateFashionMnistTest.class.getResource("/dev/sparx/examples/shipped/" + name).toURI());
    }

    @Test
    void withoutArgumentsTheShippedModelIsValidatedOnTheTestSplit() throws Exception {
        assertTrue(ShippedModel.isAvailable());
        Path predictions = tmp.resolve("default.csv");
        Outcome o = CliRun.run("validate", "--limit", "40", "--no-progress", "--predictions-file",
                predictions.toString());
        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().startsWith(ShippedModel.NAME + " ("), o.out());
        assertTrue(o.out().contains(FashionMnist.defaultDir() + " (t10k): 40 images\n"), o.out());
        List<String> rows = Files.readAllLines(predictions);
        assertEquals(41, rows.size());
        FashionMnist test = FashionMnist.open(FashionMnist.defaultDir(), FashionMnist.Split.TEST);
        int hits = 0;
        for (int i = 0; i < 40; i++) {
            String[] row = rows.get(i + 1).split(",");
            // --limit spreads the 40 images evenly over the 10,000
            assertEquals("t10k/" + 250 * i, row[0]);
            assertEquals(test.label(250 * i), Integer.parseInt(row[1]));
            hits += row[2].split(" ")[0].equals(row[1]) ? 1 : 0;
        }
        double top1 = 100.0 * hits / 40;
        assertTrue(o.out().contains(String.format(Locale.ROOT, " * Acc@1 %.3f (%.3f)", top1, 100 - top1)), o.out());

        // the same model named explicitly gives the same answers
        Path explicit = tmp.resolve("explicit.csv");
        Outcome named = CliRun.run("validate", "--dataset", "fashion-mnist",
                FashionMnist.defaultDir().toString(), "--config", shipped("fashion_mnist.json").toString(),
                "--checkpoint", shipped("fashion_mnist.safetensors").toString(), "--limit", "40", "--no-progress",
                "--predictions-file", explicit.toString(), "-b", "20", "--workers", "1");
        assertEquals(0, named.status(), named.err());
        assertEquals(columns(rows, 3), columns(Files.readAllLines(explicit), 3));
    }

    /** The first {@code n} columns of each line (the loss may differ in its last digit between batch sizes). */
    private static List<String> columns(List<String> lines, int n) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(",");
            out.add(String.join(",", List.of(f).subList(0, n)));
        }
        return out;
    }

    @Test
    void imageOptionsDoNotApplyToFashionMnist() throws IOException {
        Outcome o = CliRun.run("validate", "--dataset", "fashion-mnist", "--crop-pct", "0.95");
        assertEquals(2, o.status());
        assertTrue(o.err().contains("do not apply to Fashion-MNIST"), o.err());
    }
}
