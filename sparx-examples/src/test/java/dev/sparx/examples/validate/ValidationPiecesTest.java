package dev.sparx.examples.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import dev.sparx.examples.data.LabelledImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationPiecesTest {

    @TempDir
    Path tmp;

    @Test
    void writesTimmsColumnsRoundedAsPythonRoundsThem() throws IOException {
        // 41753 of 50000 right: 83.506 exactly; top-5 48123 of 50000: 96.246
        ValidationResult r =
                new ValidationResult(50_000, 0, 100.0 * 41_753 / 50_000, 100.0 * 48_123 / 50_000, 0.71, 100, 1);
        Path file = tmp.resolve("results.csv");
        TimmResultsFile.write(file, "sparx_mamba_t", r, 27_051_794, 224, 0.9, "bicubic");
        // what timm's validate.py writes with csv.DictWriter (\r\n line ends)
        assertEquals("model,top1,top1_err,top5,top5_err,param_count,img_size,crop_pct,interpolation\r\n"
                        + "sparx_mamba_t,83.506,16.494,96.246,3.754,27.05,224,0.9,bicubic\r\n",
                Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void roundingIsPythonsOnTheExactBinaryValue() {
        assertEquals("84.0", TimmResultsFile.round(84.0, 4));
        assertEquals("100.0", TimmResultsFile.round(100.0, 4));
        // 0.125 is exact in binary: half to even
        assertEquals("0.12", TimmResultsFile.round(0.125, 2));
        // 2.675 is 2.67499999... in binary: Python's round(2.675, 2) is 2.67
        assertEquals("2.67", TimmResultsFile.round(2.675, 2));
        assertEquals("47.44", TimmResultsFile.round(47_444_712 / 1e6, 2));
        assertEquals("83.54", TimmResultsFile.round(83_536_168 / 1e6, 2));
    }

    @Test
    void topClassesAreBestFirstWithTiesToTheLowerIndex() {
        float[] logits = {0f, 3f, 1f, 3f, -2f, 2f, /* row 1 */ 5f, 4f, 3f, 2f, 1f, 0f};
        assertArrayEquals(new int[] {1, 3, 5, 2, 0}, new ClassScores(logits, 0, 6).top(5));
        assertArrayEquals(new int[] {0, 1}, new ClassScores(logits, 1, 6).top(2));
        assertArrayEquals(new int[] {0, 1}, new ClassScores(new float[] {1f, 0f}, 0, 2).top(5));
        ClassScores s = new ClassScores(new float[] {0f, (float) Math.log(3)}, 0, 2);
        assertEquals(0.25, s.probability(0), 1e-7);
        assertEquals(-Math.log(0.75), s.crossEntropy(1), 1e-7);
    }

    @Test
    void aClassMapRelabelsFoldersAndNamesWhatIsWrong() throws IOException {
        Path map = tmp.resolve("map.txt");
        Files.writeString(map, "  cat\ndog \nfox\n\n");
        ClassMap classes = ClassMap.read(map);
        assertEquals(3, classes.size());
        // folders sorted: dog (0), fox (1); the map puts them at 1 and 2
        LabelledImages<String> folders = new LabelledImages<>() {
            @Override
            public List<String> classes() {
                return List.of("dog", "fox");
            }

            @Override
            public int size() {
                return 2;
            }

            @Override
            public int label(int i) {
                return i;
            }

            @Override
            public String name(int i) {
                return classes().get(i) + "/" + i + ".jpg";
            }

            @Override
            public String load(int i) {
                return name(i);
            }
        };
        LabelledImages<String> relabelled = classes.relabel(folders);
        assertEquals(List.of("cat", "dog", "fox"), relabelled.classes());
        assertEquals(1, relabelled.label(0));
        assertEquals(2, relabelled.label(1));
        assertEquals("fox/1.jpg", relabelled.name(1));

        Files.writeString(map, "cat\nfox\n");
        SparxException missing = assertThrows(SparxException.class, () -> ClassMap.read(map).relabel(folders));
        assertTrue(missing.getMessage().contains("class folder 'dog' is not in class map " + map));
        Files.writeString(map, "cat\ncat\n");
        assertTrue(assertThrows(SparxException.class, () -> ClassMap.read(map)).getMessage().contains("twice"));
        Files.writeString(map, "\n");
        assertTrue(assertThrows(SparxException.class, () -> ClassMap.read(map)).getMessage().contains("empty"));
    }
}
