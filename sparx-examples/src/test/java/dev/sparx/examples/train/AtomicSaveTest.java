package dev.sparx.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicSaveTest {

    @TempDir Path dir;

    @Test
    void killingTheProcessDuringSavesLeavesAWholeCheckpoint() throws Exception {
        Path target = dir.resolve("last.pth");
        CheckpointWriterChild.version(1f).write(target);
        long[] delaysMs = {0, 37, 151};
        for (long delay : delaysMs) {
            Process child = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                    System.getProperty("java.class.path"), CheckpointWriterChild.class.getName(), target.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("saved", out.readLine());
                Thread.sleep(delay);
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            // whichever version was last renamed into place, it is complete
            TrainingCheckpoint read = TrainingCheckpoint.read(target);
            float v = read.model().get("w").toFloatArray()[0];
            assertTrue(v == 1f || v == 2f, "weight " + v);
            float[] all = read.model().get("w").toFloatArray();
            assertEquals(CheckpointWriterChild.ELEMENTS, all.length);
            for (int i = 0; i < all.length; i += 4093) {
                assertEquals(v, all[i]);
            }
            assertEquals((int) v, read.epochsDone());
        }
    }

    @Test
    void aFailureDuringAnOutputWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = dir.resolve("metrics.csv");
        Files.writeString(target, "old content\n");
        SparxException e = assertThrows(SparxException.class, () -> OutputFiles.write(target, out -> {
            out.write("new half".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("simulated crash");
        }));
        assertTrue(e.getMessage().contains("simulated crash") && e.getMessage().contains("metrics.csv"));
        assertArrayEquals("old content\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
        OutputFiles.write(target, out -> out.write("new\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new\n", Files.readString(target));
        assertTrue(new File(target.toString()).length() == 4);
    }
}
