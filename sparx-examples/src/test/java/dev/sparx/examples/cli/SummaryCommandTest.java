package dev.sparx.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.examples.SparxCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SummaryCommandTest {

    @Test
    void printsTheTreeParametersAndMacsOfT() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, SparxCli.run("summary", "--model", "sparx_mamba_t"));
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("total: 27,051,794 parameters"), out);
        assertTrue(out.contains("MACs at 224x224: 5,253,017,216"), out);
        assertTrue(out.contains("stage 3: 7 blocks, 14,550,780 parameters"), out);
        assertTrue(out.matches("(?s).*layers\\.2 +Stage +\\(1, 320, 14, 14\\) \\(1, 512, 7, 7\\).*"), out);
        assertTrue(out.matches("(?s).*blocks\\.0 +VssBlock +\\(1, 96, 56, 56\\).*"), out);
    }
}
