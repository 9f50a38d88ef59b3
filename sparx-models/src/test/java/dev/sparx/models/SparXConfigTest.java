package dev.sparx.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sparx.core.SparxException;
import java.io.IOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SparXConfigTest {

    @Test
    void crossLayerBlocksAndShortcutWidthsFollowTheSpecification() {
        SparXConfig t = SparXConfig.variant("sparx_mamba_t");
        assertArrayEquals(new int[] {}, t.denseIndices(0));
        assertArrayEquals(new int[] {1}, t.denseIndices(1));
        assertArrayEquals(new int[] {0, 2, 4, 6}, t.denseIndices(2));
        assertArrayEquals(new int[] {0, 1}, t.denseIndices(3));
        assertArrayEquals(new int[] {1, 4, 7, 10, 13, 16}, SparXConfig.variant("sparx_mamba_s").denseIndices(2));
        SparXConfig b = SparXConfig.variant("sparx_mamba_b");
        assertArrayEquals(new int[] {2, 5, 8, 11, 14, 17, 20}, b.denseIndices(2));
        assertArrayEquals(new int[] {2}, b.denseIndices(3));
        // first cross layer at j: dim*(1+j); later: dim*min(max_dense_depth, before) + dim*(step-1)
        assertEquals(2 * 192, t.shortcutWidth(1, 1));
        assertEquals(320, t.shortcutWidth(2, 0));
        assertEquals(320 + 320, t.shortcutWidth(2, 2));
        assertEquals(2 * 320 + 320, t.shortcutWidth(2, 4));
        assertEquals(3 * 320 + 320, t.shortcutWidth(2, 6));
        assertEquals(3 * 396 + 2 * 396, b.shortcutWidth(2, 11));
        assertEquals(3 * 636, b.shortcutWidth(3, 2));
        assertEquals(6, t.dtRank(0));
        assertEquals(0.9, t.cropPct());
        assertEquals(0.95, b.cropPct());
    }

    @Test
    void stochasticDepthIsLinearOverAllBlocks() {
        SparXConfig c = SparXConfig.variant("sparx_mamba_t").toBuilder().optDropPathRate(0.2).build();
        assertEquals(0.0, c.dropPath(0, 0));
        assertEquals(0.2, c.dropPath(3, 1), 1e-12);
        assertEquals(0.2 * 4 / 12, c.dropPath(2, 0), 1e-12);
    }

    @Test
    void readsTheGoldenConfigsAndRoundTrips() throws IOException {
        SparXConfig tiny = new GoldenCase("tiny_b").config();
        assertArrayEquals(new int[] {16, 24, 36, 48}, tiny.dims());
        assertEquals(SparXConfig.StemType.V2, tiny.stemType());
        assertEquals(10, tiny.numClasses());
        assertEquals(tiny, SparXConfig.fromJson(tiny.toJson()));
        SparXConfig t = SparXConfig.variant("sparx_mamba_t");
        assertEquals(t, SparXConfig.fromJson(t.toJson()));
    }

    private static String tinyT() throws IOException {
        return new GoldenCase("tiny_t").configJson();
    }

    private static SparxException refused(Consumer<JsonObject> edit) throws IOException {
        JsonObject o = JsonParser.parseString(tinyT()).getAsJsonObject();
        edit.accept(o);
        return assertThrows(SparxException.class, () -> SparXConfig.fromJson(o.toString()));
    }

    private static void assertMentions(SparxException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention " + p);
        }
    }

    @Test
    void refusesUnknownAndMissingFields() throws IOException {
        assertMentions(refused(o -> o.addProperty("mlp_ratio", 4)), "unknown", "'mlp_ratio'");
        assertMentions(refused(o -> o.getAsJsonObject("dense_config").addProperty("step", 1)), "'dense_config.step'");
        assertMentions(refused(o -> o.remove("sr_ratio")), "'sr_ratio'", "missing");
        assertMentions(refused(o -> o.getAsJsonObject("dense_config").remove("cross_stage")),
                "'dense_config.cross_stage'", "missing");
    }

    @Test
    void refusesImpossibleSizes() throws IOException {
        assertMentions(refused(o -> o.getAsJsonArray("dims").set(2, new com.google.gson.JsonPrimitive(30))),
                "'dims[2]'", "30", "divisible by 4");
        assertMentions(refused(o -> o.getAsJsonArray("dims").set(0, new com.google.gson.JsonPrimitive(17))),
                "'dims[0]'", "17", "odd");
        assertMentions(refused(o -> o.getAsJsonObject("dense_config").getAsJsonArray("dense_start")
                .set(0, new com.google.gson.JsonPrimitive(0))), "'dense_config.dense_start[0]'", "stage 1");
        assertMentions(refused(o -> o.getAsJsonArray("depths").add(2)), "'depths'", "4");
        assertMentions(refused(o -> o.getAsJsonArray("depths").set(1, new com.google.gson.JsonPrimitive(0))),
                "'depths[1]'", "at least 1");
        assertMentions(refused(o -> o.getAsJsonArray("sr_ratio").set(3, new com.google.gson.JsonPrimitive(1.5))),
                "'sr_ratio[3]'", "integer");
        assertMentions(refused(o -> o.addProperty("stem_type", "v3")), "'stem_type'", "v3");
        assertMentions(refused(o -> o.add("dims", new JsonArray())), "'dims'");
        assertMentions(refused(o -> o.addProperty("drop_path_rate", 1.5)), "'drop_path_rate'");
        assertMentions(assertThrows(SparxException.class, () -> SparXConfig.fromJson("{\"depths\": [2, 2")),
                "not valid JSON");
        assertMentions(assertThrows(SparxException.class, () -> SparXConfig.variant("sparx_mamba_xl")),
                "'sparx_mamba_xl'", "sparx_mamba_t");
    }
}
