package dev.sparx.models.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import com.sun.net.httpserver.HttpServer;
import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.models.SparXConfig;
import dev.sparx.models.SparXMamba;
import dev.sparx.models.StateDictLoader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A released variant without a checkpoint argument: fetched from the release (here a local server
 * standing in for GitHub, serving a full-size T with random weights) into the cache folder once,
 * then taken from there; offline, a missing file is an error that says where it goes.
 */
class PretrainedDownloadTest {

    @TempDir
    Path dir;

    @Test
    void releasedCheckpointIsDownloadedOnceIntoTheCache() throws Exception {
        Path release = Files.createDirectories(dir.resolve("release"));
        Path served = release.resolve("sparx_mamba_tiny_in1k.pth");
        try (NDManager manager = NDManager.newBaseManager()) {
            SparXMamba t = SparXMamba.builder().setConfig(SparXConfig.variant("sparx_mamba_t")).build();
            t.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
            Checkpoints.write(served, StateDictLoader.export(t));
        }
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/", exchange -> {
            requests.incrementAndGet();
            Path file = release.resolve(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        });
        server.start();
        String offline = System.getProperty("ai.djl.offline");
        System.setProperty("ai.djl.offline", "false");
        Path cache = dir.resolve("cache");
        try {
            Criteria<Path, Classifications> criteria = Criteria.builder()
                    .setTypes(Path.class, Classifications.class)
                    .optArtifactId("dev.sparx:sparx_mamba_t")
                    .optArgument(SparXModelZoo.CACHE_DIR, cache)
                    .optArgument(SparXModelZoo.RELEASE_URL, "http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                    .build();
            assertFalse(criteria.isDownloaded());
            try (ZooModel<Path, Classifications> model = criteria.loadModel();
                    Predictor<Path, Classifications> predictor = model.newPredictor()) {
                assertEquals(1000, predictor.predict(TinyZoo.image("fox.png")).getProbabilities().size());
            }
            assertEquals(1, requests.get());
            Path cached = cache.resolve("sparx_mamba_tiny_in1k.pth");
            assertArrayEquals(Files.readAllBytes(served), Files.readAllBytes(cached));
            assertTrue(criteria.isDownloaded());
            criteria.loadModel().close();
            assertEquals(1, requests.get(), "the second load takes the cached file");
        } finally {
            if (offline == null) {
                System.clearProperty("ai.djl.offline");
            } else {
                System.setProperty("ai.djl.offline", offline);
            }
            server.stop(0);
        }
    }

    @Test
    void offlineAMissingCheckpointSaysWhereItGoes() {
        Path cache = dir.resolve("empty-cache");
        Criteria<Path, Classifications> criteria = Criteria.builder()
                .setTypes(Path.class, Classifications.class)
                .optArtifactId("dev.sparx:sparx_mamba_s")
                .optArgument(SparXModelZoo.CACHE_DIR, cache)
                .build();
        String offline = System.getProperty("ai.djl.offline");
        System.setProperty("ai.djl.offline", "true");
        try {
            SparxException e = assertThrows(SparxException.class, criteria::loadModel);
            assertTrue(e.getMessage().contains(cache.resolve("sparx_mamba_small_in1k.pth").toString()), e.getMessage());
            assertTrue(e.getMessage().contains("https://github.com/LMMMEng/SparX/releases/download/v1/"
                    + "sparx_mamba_small_in1k.pth"), e.getMessage());
            assertTrue(e.getMessage().contains("offline"), e.getMessage());
        } finally {
            if (offline == null) {
                System.clearProperty("ai.djl.offline");
            } else {
                System.setProperty("ai.djl.offline", offline);
            }
        }
    }
}
