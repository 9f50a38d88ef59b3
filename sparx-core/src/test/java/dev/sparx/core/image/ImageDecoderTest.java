package dev.sparx.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.tensor.HostTensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageDecoderTest {

    /** PIL 9.4's {@code convert('RGB')} of every file in {@code decode/}, by file name. */
    private static final Map<String, HostTensor> PIL = Fixtures.npz("decode/expected_rgb.npz");

    @TempDir
    Path tmp;

    static Stream<String> files() {
        return PIL.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void matchesPilConvertRgb(String file) {
        RgbImage expected = Fixtures.image(PIL.get(file));
        RgbImage actual = ImageDecoder.decode(Fixtures.path("decode/" + file));
        assertEquals(expected.width(), actual.width(), file);
        assertEquals(expected.height(), actual.height(), file);
        assertArrayEquals(expected.toByteArray(), actual.toByteArray(), file);
    }

    @Test
    void findsTheFormatFromTheContent() throws IOException {
        Path jpeg = Fixtures.path("images/mountains_really_jpeg.png");
        Path renamed = tmp.resolve("mountains.jpg");
        Files.copy(jpeg, renamed);
        assertEquals(ImageDecoder.decode(renamed), ImageDecoder.decode(jpeg));
    }

    @Test
    void decodesFromMemoryLikeFromAFile() throws IOException {
        Path file = Fixtures.path("images/kitten_gray.jpg");
        assertEquals(ImageDecoder.decode(file), ImageDecoder.decode(Files.readAllBytes(file), "gray"));
    }

    @Test
    void rejectsAMissingFile() {
        Path missing = tmp.resolve("nowhere.jpg");
        assertFails(missing, "no such file");
    }

    @Test
    void rejectsAnEmptyFile() throws IOException {
        assertFails(Files.write(tmp.resolve("empty.jpg"), new byte[0]), "empty");
    }

    @Test
    void rejectsText() throws IOException {
        Path text = Files.write(tmp.resolve("notes.jpg"), "not an image\n".getBytes(StandardCharsets.UTF_8));
        assertFails(text, "unrecognised content");
    }

    @ParameterizedTest
    @CsvSource({"dog_bike_car.jpg, truncated", "kitten.jpg, truncated", "fox.png, Error reading PNG"})
    void rejectsTruncatedFiles(String image, String reason) throws IOException {
        // dog_bike_car.jpg is baseline, kitten.jpg progressive.
        byte[] full = Files.readAllBytes(Fixtures.path("images/" + image));
        Path cut = Files.write(tmp.resolve("cut_" + image), Arrays.copyOf(full, full.length / 2));
        assertFails(cut, reason);
    }

    @Test
    void rejectsCorruptPngData() throws IOException {
        byte[] data = Files.readAllBytes(Fixtures.path("images/fox.png"));
        for (int i = 100; i < data.length - 20; i++) {
            data[i] = (byte) (data[i] * 31 + 7);
        }
        assertFails(Files.write(tmp.resolve("garbled.png"), data), "garbled.png");
    }

    @Test
    void rejectsDecompressionBombs() throws IOException {
        // A PNG header announcing 20000 x 10000 pixels: more than PIL's 2 * MAX_IMAGE_PIXELS.
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(20000).putInt(10000).put(new byte[] {8, 2, 0, 0, 0});
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        png.write(chunk("IHDR", ihdr.array()));
        png.write(chunk("IEND", new byte[0]));
        assertFails(Files.write(tmp.resolve("bomb.png"), png.toByteArray()), "decompression bomb");
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] kind = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(kind);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length)
                .putInt(data.length).put(kind).put(data).putInt((int) crc.getValue()).array();
    }

    private static void assertFails(Path file, String reason) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(file));
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().startsWith("cannot decode image " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
