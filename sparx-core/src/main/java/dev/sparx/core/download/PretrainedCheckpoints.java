package dev.sparx.core.download;

import dev.sparx.core.SparxException;
import dev.sparx.core.checkpoint.Checkpoints;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authors' ImageNet-1k checkpoints of SparX-Mamba T, S and B (release {@code v1} of
 * LMMMEng/SparX on GitHub), fetched once into a local cache folder and reused from there.
 *
 * <p>The release publishes no sizes or hashes, and none could be taken here (no network), so a
 * download is checked against the size the server announces and then read as a checkpoint: every
 * storage record of a {@code torch.save} zip archive carries a CRC-32, which the reader verifies.
 * A file already in the cache was checked when it arrived and is used as it is.
 */
public final class PretrainedCheckpoints {

    /** Where the release's files are. */
    public static final URI RELEASE_URL = URI.create("https://github.com/LMMMEng/SparX/releases/download/v1/");

    /** Environment variable naming the cache folder. */
    public static final String CACHE_ENV = "SPARX_CACHE_DIR";

    private static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("sparx_mamba_t", "sparx_mamba_tiny_in1k.pth");
        FILES.put("sparx_mamba_s", "sparx_mamba_small_in1k.pth");
        FILES.put("sparx_mamba_b", "sparx_mamba_base_in1k.pth");
    }

    private final URI base;
    private final Path cacheDir;
    private final Downloader downloader;

    /**
     * Creates the cache.
     *
     * @param base the release folder's address, ending in {@code /} ({@link #RELEASE_URL}, or a mirror)
     * @param cacheDir where checkpoints are kept ({@link #defaultCacheDir()} unless the user chose one)
     * @param downloader what fetches missing files
     */
    public PretrainedCheckpoints(URI base, Path cacheDir, Downloader downloader) {
        String s = base.toString();
        this.base = s.endsWith("/") ? base : URI.create(s + "/");
        this.cacheDir = cacheDir;
        this.downloader = downloader;
    }

    /**
     * The default cache folder: {@code $SPARX_CACHE_DIR} if set, else {@code $XDG_CACHE_HOME/sparx},
     * else {@code ~/.cache/sparx}.
     *
     * @return the folder (not created)
     */
    public static Path defaultCacheDir() {
        String env = System.getenv(CACHE_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "sparx");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "sparx");
    }

    /** @return the model names that have a released checkpoint, e.g. {@code sparx_mamba_t} */
    public static List<String> models() {
        return List.copyOf(FILES.keySet());
    }

    /**
     * The release's file name of a model.
     *
     * @param model e.g. {@code sparx_mamba_t}
     * @return e.g. {@code sparx_mamba_tiny_in1k.pth}
     * @throws SparxException if the model has no released checkpoint
     */
    public static String fileName(String model) {
        String file = FILES.get(model);
        if (file == null) {
            throw new SparxException(
                    "no released checkpoint for model '" + model + "'; there are checkpoints for " + models());
        }
        return file;
    }

    /**
     * The address of a model's checkpoint.
     *
     * @param model e.g. {@code sparx_mamba_t}
     * @return the release file's URL
     */
    public URI url(String model) {
        return base.resolve(fileName(model));
    }

    /**
     * Where a model's checkpoint is kept.
     *
     * @param model e.g. {@code sparx_mamba_t}
     * @return the file in the cache folder (it may not exist yet)
     */
    public Path cached(String model) {
        return cacheDir.resolve(fileName(model));
    }

    /**
     * The checkpoint of a model, downloaded and checked first if it is not in the cache.
     *
     * @param model e.g. {@code sparx_mamba_t}
     * @param progress receives the download's progress
     * @return the checkpoint file
     * @throws SparxException if the model has no released checkpoint
     * @throws DownloadException if the download fails (offline, interrupted too often, corrupt);
     *     the message says where to put the file by hand
     */
    public Path fetch(String model, Downloader.Progress progress) {
        Path file = cached(model);
        if (Files.isRegularFile(file)) {
            return file;
        }
        try {
            // reading the state dict checks every storage record's CRC-32
            return downloader.download(
                    url(model), file, Downloader.Expected.UNKNOWN, Checkpoints::read, progress);
        } catch (DownloadException e) {
            throw new DownloadException(e.getMessage() + ". To work offline, download " + url(model)
                    + " on a machine with a network and copy it to " + file, e);
        }
    }
}
