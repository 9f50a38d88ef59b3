package dev.sparx.core.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.Checkpoints;
import dev.sparx.core.checkpoint.StateDict;
import dev.sparx.core.tensor.HostTensor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {

    private static final String FILE = "sparx_mamba_tiny_in1k.pth";

    @TempDir
    Path tmp;

    private ReleaseServer server;
    private byte[] checkpoint;

    @BeforeEach
    void start() throws IOException {
        server = new ReleaseServer();
        checkpoint = smallCheckpoint(tmp.resolve("source.pth"));
        server.put(FILE, checkpoint);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A real torch-format checkpoint of about 16 kB whose tensor data is 1.5f repeated. */
    private static byte[] smallCheckpoint(Path file) throws IOException {
        float[] values = new float[4096];
        Arrays.fill(values, 1.5f);
        StateDict sd = new StateDict();
        sd.put("classifier.3.weight", HostTensor.ofFloats(new long[] {64, 64}, values));
        Checkpoints.write(file, sd);
        return Files.readAllBytes(file);
    }

    /** Short time limits: a response cut short by the test server may leave the connection silent. */
    private static Downloader downloader() {
        return new Downloader(Duration.ofSeconds(5), Duration.ofMillis(500));
    }

    private PretrainedCheckpoints cache() {
        return new PretrainedCheckpoints(server.base(), tmp.resolve("cache"), downloader());
    }

    @Test
    void downloadsIntoTheCacheOnceAndChecksTheContent() throws IOException {
        PretrainedCheckpoints cache = cache();
        long[] lastProgress = new long[2];
        Path file = cache.fetch("sparx_mamba_t", (done, total) -> {
            lastProgress[0] = done;
            lastProgress[1] = total;
        });
        assertEquals(tmp.resolve("cache").resolve(FILE), file);
        assertArrayEquals(checkpoint, Files.readAllBytes(file));
        assertArrayEquals(new long[] {checkpoint.length, checkpoint.length}, lastProgress);
        assertFalse(Files.exists(Downloader.partFile(file)));
        assertEquals(file, cache.fetch("sparx_mamba_t", Downloader.Progress.NONE));
        assertEquals(List.of("/v1/" + FILE), server.requests(), "the second fetch comes from the cache");
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest() throws IOException {
        server.cut(1, 5000);
        Path file = cache().fetch("sparx_mamba_t", Downloader.Progress.NONE);
        assertArrayEquals(checkpoint, Files.readAllBytes(file));
        assertEquals(List.of("/v1/" + FILE, "/v1/" + FILE + " range=5000-"), server.requests());
    }

    @Test
    void aPartFileLeftByAnEarlierRunIsContinued() throws IOException {
        Path target = tmp.resolve("cache").resolve(FILE);
        Files.createDirectories(target.getParent());
        Files.write(Downloader.partFile(target), Arrays.copyOf(checkpoint, 1234));
        cache().fetch("sparx_mamba_t", Downloader.Progress.NONE);
        assertArrayEquals(checkpoint, Files.readAllBytes(target));
        assertEquals(List.of("/v1/" + FILE + " range=1234-"), server.requests());
    }

    @Test
    void aServerThatIgnoresRangesMakesItStartOver() throws IOException {
        server.honourRange(false);
        Path target = tmp.resolve("cache").resolve(FILE);
        Files.createDirectories(target.getParent());
        Files.write(Downloader.partFile(target), Arrays.copyOf(checkpoint, 1234));
        cache().fetch("sparx_mamba_t", Downloader.Progress.NONE);
        assertArrayEquals(checkpoint, Files.readAllBytes(target));
    }

    @Test
    void aConnectionThatKeepsDroppingFailsAndKeepsThePartForLater() throws IOException {
        server.cut(Downloader.ATTEMPTS, 3000);
        PretrainedCheckpoints cache = cache();
        DownloadException e = assertThrows(DownloadException.class,
                () -> cache.fetch("sparx_mamba_t", Downloader.Progress.NONE));
        assertTrue(e.getMessage().contains("failed " + Downloader.ATTEMPTS + " times"), e.getMessage());
        Path part = Downloader.partFile(cache.cached("sparx_mamba_t"));
        assertEquals(3000L * Downloader.ATTEMPTS, Files.size(part));
        assertFalse(Files.exists(cache.cached("sparx_mamba_t")));
        // the next run picks up where this one stopped
        assertArrayEquals(checkpoint, Files.readAllBytes(cache.fetch("sparx_mamba_t", Downloader.Progress.NONE)));
    }

    @Test
    void aCorruptFileIsRefusedAndDeleted() {
        byte[] corrupt = checkpoint.clone();
        int data = indexOf(corrupt, new byte[] {0, 0, (byte) 0xc0, 0x3f, 0, 0, (byte) 0xc0, 0x3f});
        corrupt[data + 1000] ^= 0x40;
        server.put(FILE, corrupt);
        PretrainedCheckpoints cache = cache();
        DownloadException e = assertThrows(DownloadException.class,
                () -> cache.fetch("sparx_mamba_t", Downloader.Progress.NONE));
        assertTrue(e.getMessage().contains("is corrupt and was deleted"), e.getMessage());
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        assertFalse(Files.exists(cache.cached("sparx_mamba_t")));
        assertFalse(Files.exists(Downloader.partFile(cache.cached("sparx_mamba_t"))));
    }

    @Test
    void sizeAndHashAreCheckedWhenKnown() throws IOException {
        Downloader d = downloader();
        URI url = server.base().resolve(FILE);
        String sha = Downloader.sha256(tmp.resolve("source.pth"));
        Path ok = d.download(url, tmp.resolve("ok.pth"), new Downloader.Expected(checkpoint.length, sha.toUpperCase()),
                Downloader.ContentCheck.NONE, Downloader.Progress.NONE);
        assertArrayEquals(checkpoint, Files.readAllBytes(ok));
        String wrong = "0".repeat(64);
        DownloadException e = assertThrows(DownloadException.class, () -> d.download(url, tmp.resolve("bad.pth"),
                new Downloader.Expected(-1, wrong), Downloader.ContentCheck.NONE, Downloader.Progress.NONE));
        assertTrue(e.getMessage().contains("its SHA-256 is " + sha + ", expected " + wrong), e.getMessage());
        e = assertThrows(DownloadException.class, () -> d.download(url, tmp.resolve("bad.pth"),
                new Downloader.Expected(7, null), Downloader.ContentCheck.NONE, Downloader.Progress.NONE));
        assertTrue(e.getMessage().contains("expected 7"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("bad.pth")));
    }

    @Test
    void anUnreachableHostIsReportedAsOffline() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        PretrainedCheckpoints cache = new PretrainedCheckpoints(
                URI.create("http://127.0.0.1:" + closedPort + "/v1"), tmp.resolve("cache"), downloader());
        DownloadException e = assertThrows(DownloadException.class,
                () -> cache.fetch("sparx_mamba_s", Downloader.Progress.NONE));
        String m = e.getMessage();
        assertTrue(m.contains("cannot be reached") && m.contains("offline"), m);
        assertTrue(m.contains("copy it to " + tmp.resolve("cache").resolve("sparx_mamba_small_in1k.pth")), m);
    }

    @Test
    void missingFilesAndUnknownModelsAreNamed() {
        PretrainedCheckpoints cache = cache();
        DownloadException e = assertThrows(DownloadException.class,
                () -> cache.fetch("sparx_mamba_b", Downloader.Progress.NONE));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        SparxException unknown = assertThrows(SparxException.class,
                () -> cache.fetch("sparx_mamba_x", Downloader.Progress.NONE));
        assertTrue(unknown.getMessage().contains("no released checkpoint for model 'sparx_mamba_x'"));
        assertEquals(URI.create("https://github.com/LMMMEng/SparX/releases/download/v1/sparx_mamba_base_in1k.pth"),
                new PretrainedCheckpoints(PretrainedCheckpoints.RELEASE_URL, tmp, downloader())
                        .url("sparx_mamba_b"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("pattern not found");
    }
}
