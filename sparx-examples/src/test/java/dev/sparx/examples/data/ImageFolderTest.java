package dev.sparx.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @TempDir Path root;

    private void touch(String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, relative);
    }

    @Test
    void classesAreSubFoldersInNaturalOrderAndSamplesAreImagesInside() throws IOException {
        touch("class10/a.jpg");
        touch("class2/b.PNG");
        touch("class2/nested/c.jpeg");
        touch("class2/notes.txt");
        touch("class2/.hidden.jpg");
        touch("Class1/x10.webp");
        touch("Class1/x9.bmp");
        touch(".cache/z.jpg");
        Files.writeString(root.resolve("README.md"), "not a class");

        ImageFolder<String> ds = ImageFolder.open(root, f -> Files.readString(f));
        assertEquals(List.of("Class1", "class2", "class10"), ds.classes());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            names.add(ds.name(i) + ":" + ds.label(i));
        }
        assertEquals(
                List.of("Class1/x9.bmp:0", "Class1/x10.webp:0", "class2/b.PNG:1",
                        "class2/nested/c.jpeg:1", "class10/a.jpg:2"),
                names);
        assertEquals("class2/nested/c.jpeg", ds.load(3));
        assertEquals(root.resolve("class10/a.jpg"), ds.file(4));
    }

    @Test
    void decodeFailuresNameTheFile() throws IOException {
        touch("a/broken.jpg");
        ImageFolder<String> ds =
                ImageFolder.open(root, f -> {
                    throw new IOException("bad huffman table");
                });
        SparxException e = assertThrows(SparxException.class, () -> ds.load(0));
        assertTrue(e.getMessage().contains("broken.jpg") && e.getMessage().contains("bad huffman"),
                e.getMessage());
    }

    @Test
    void refusesMissingEmptyAndClasslessFolders() throws IOException {
        assertThrows(SparxException.class, () -> ImageFolder.open(root.resolve("none"), f -> f));
        assertTrue(assertThrows(SparxException.class, () -> ImageFolder.open(root, f -> f))
                .getMessage().contains("no class sub-folders"));
        touch("cat/1.jpg");
        Files.createDirectories(root.resolve("dog"));
        touch("dog/readme.txt");
        SparxException e = assertThrows(SparxException.class, () -> ImageFolder.open(root, f -> f));
        assertTrue(e.getMessage().contains("dog") && e.getMessage().contains("no images"), e.getMessage());
    }

    @Test
    void splitPicksTrainOrValSubFolderOrTheRootItself() throws IOException {
        touch("train/cat/1.jpg");
        touch("val/cat/2.jpg");
        assertEquals(root.resolve("train"), ImageFolder.split(root, "train"));
        assertEquals(root.resolve("val"), ImageFolder.split(root, "val"));
        Path val = root.resolve("val");
        assertEquals(val, ImageFolder.split(val, "val"));
        assertEquals(1, ImageFolder.open(ImageFolder.split(root, "val"), f -> f).size());
    }

    @Test
    void naturalOrderMatchesTimm() {
        List<String> names = new ArrayList<>(List.of("b", "a10", "A2", "a1b", "a1", "10", "9", "a07", "a7"));
        names.sort(NaturalOrder.INSTANCE);
        // timm: sorted(names, key=natural_key); a07 and a7 tie there and keep plain order here.
        assertEquals(List.of("9", "10", "a1", "a1b", "A2", "a07", "a7", "a10", "b"), names);
    }
}
