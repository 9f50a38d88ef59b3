package dev.sparx.core.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one file over HTTP(S) into place, safely: the bytes go to {@code TARGET.part}, which
 * is renamed to the target only after the file passed every check, so the target is either
 * absent or complete and verified.
 *
 * <ul>
 *   <li>Resume: a {@code .part} file left by an interrupted download is continued with an HTTP
 *       {@code Range} request; a server that ignores the range (status 200) makes it start over.
 *       A connection that ends before the announced length, or stays silent longer than the read
 *       timeout, is resumed the same way, up to {@link #ATTEMPTS} times in one call; after that
 *       the {@code .part} file stays for the next.
 *   <li>Checks: the size the server announced ({@code Content-Length}, or the total of a
 *       {@code Content-Range}); the expected size and SHA-256 when the caller knows them; then the
 *       caller's own check of the content (a checkpoint must read as one). A file that fails a
 *       check is deleted, since resuming it cannot repair it.
 *   <li>No network: a host that cannot be resolved or reached is reported as such, in one
 *       message that says where to put the file by hand.
 * </ul>
 * Redirects are followed (GitHub's release links redirect to its CDN); proxies set with the usual
 * {@code https.proxyHost}/{@code https.proxyPort} system properties are used.
 */
public final class Downloader {

    /** Connections that end early are resumed this many times in one call. */
    public static final int ATTEMPTS = 3;

    private static final int BUFFER = 1 << 16;
    // RFC 9110 Content-Range: "bytes first-last/complete", complete may be "*"
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    /** Receives the progress of a download. */
    @FunctionalInterface
    public interface Progress {
        /** Reports nothing. */
        Progress NONE = (done, total) -> {};

        /**
         * Called as bytes arrive.
         *
         * @param done bytes of the file held so far (including those of a resumed {@code .part})
         * @param total the file's size, or -1 if the server did not say
         */
        void update(long done, long total);
    }

    /** A check of the downloaded content, e.g. that a checkpoint reads. */
    @FunctionalInterface
    public interface ContentCheck {
        /** Accepts everything. */
        ContentCheck NONE = file -> {};

        /**
         * Checks the complete file before it is moved into place.
         *
         * @param file the downloaded bytes
         * @throws RuntimeException (such as a {@code SparxException}) saying what is wrong
         */
        void check(Path file);
    }

    /**
     * What the downloaded file must be, where known.
     *
     * @param size its length in bytes, or -1 if unknown
     * @param sha256 its SHA-256 in lower-case hex, or null if unknown
     */
    public record Expected(long size, String sha256) {

        /** Nothing known beyond what the server announces. */
        public static final Expected UNKNOWN = new Expected(-1, null);

        /**
         * Normalises the hash to lower case.
         *
         * @param size the length in bytes, or -1 if unknown
         * @param sha256 the SHA-256 in hex, or null if unknown
         */
        public Expected {
            sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        }
    }

    /** The connection ended (or was refused mid-way) before the whole file arrived. */
    private static final class Incomplete extends Exception {
        private static final long serialVersionUID = 1L;

        Incomplete(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Duration connectTimeout;
    private final Duration readTimeout;

    /** A downloader that gives up on a connection after 30 s and on a silent one after 60 s. */
    public Downloader() {
        this(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /**
     * A downloader with other time limits.
     *
     * @param connectTimeout how long to wait for a connection before calling the host unreachable
     * @param readTimeout how long a connection may stay silent before it is dropped and resumed
     */
    public Downloader(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * The file a download in progress writes to.
     *
     * @param target the final file
     * @return {@code target} with {@code .part} appended
     */
    public static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Downloads {@code url} to {@code target}, replacing it.
     *
     * @param url the file's address (http or https)
     * @param target where the verified file goes; its folder is created
     * @param expected the size and hash to check, where known
     * @param check a last check of the content before the file is moved into place
     * @param progress receives the bytes done
     * @return {@code target}
     * @throws DownloadException if the host cannot be reached, the server answers with an error,
     *     the connection keeps ending early, or the file fails a check
     */
    public Path download(URI url, Path target, Expected expected, ContentCheck check, Progress progress) {
        Path part = partFile(target);
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new DownloadException("cannot create the folder of " + target + ": " + e.getMessage(), e);
        }
        Incomplete last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                long announced = fetch(url, part, progress);
                verify(url, part, announced, expected, check);
                moveIntoPlace(part, target);
                return target;
            } catch (Incomplete e) {
                last = e;
            }
        }
        throw new DownloadException(
                "downloading " + url + " failed " + ATTEMPTS + " times (" + last.getMessage() + "); the "
                        + sizeOf(part) + " bytes received are kept in " + part + " and the next try resumes"
                        + " from there",
                last.getCause());
    }

    /** Appends the rest of the file to the part file; returns the announced total size or -1. */
    private long fetch(URI url, Path part, Progress progress) throws Incomplete {
        long have = sizeOf(part);
        HttpURLConnection c = connect(url, have);
        try {
            int status = c.getResponseCode();
            long offset;
            long total;
            if (status == 206 && have > 0) {
                String range = Objects.requireNonNullElse(c.getHeaderField("Content-Range"), "");
                Matcher m = CONTENT_RANGE.matcher(range);
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    deletePart(part);
                    throw new Incomplete("the server resumed at another offset than the " + have
                            + " bytes already held; starting over", null);
                }
                offset = have;
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            } else if (status == 200) {
                offset = 0;
                total = c.getContentLengthLong();
            } else if (status == 416 && have > 0) {
                // the part file is not a prefix of the file the server has (no bytes after it)
                deletePart(part);
                throw new Incomplete("the server has no bytes after the " + have + " already held; starting over",
                        null);
            } else {
                throw new DownloadException("downloading " + url + " failed: the server answered HTTP " + status
                        + (status == 404 ? " (not found)" : ""));
            }
            return copy(c, part, offset, total, progress);
        } catch (IOException e) {
            throw new Incomplete("the request failed: " + e, e);
        } finally {
            c.disconnect();
        }
    }

    private static long copy(HttpURLConnection c, Path part, long offset, long total, Progress progress)
            throws Incomplete {
        long done = offset;
        try (InputStream in = c.getInputStream();
                FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.truncate(offset);
            out.position(offset);
            byte[] buffer = new byte[BUFFER];
            progress.update(done, total);
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(ByteBuffer.wrap(buffer, 0, n));
                done += n;
                progress.update(done, total);
            }
        } catch (IOException e) {
            throw new Incomplete("the connection ended after " + done + (total >= 0 ? " of " + total : "")
                    + " bytes: " + e, e);
        }
        if (total >= 0 && done < total) {
            throw new Incomplete("the connection ended after " + done + " of " + total + " bytes", null);
        }
        return total;
    }

    /** Opens the connection; a host that cannot be reached is reported at once, not retried. */
    private HttpURLConnection connect(URI url, long have) throws Incomplete {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) url.toURL().openConnection();
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new DownloadException("cannot download " + url + ": not an http(s) address (" + e + ")", e);
        }
        c.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
        c.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
        c.setInstanceFollowRedirects(true);
        if (have > 0) {
            c.setRequestProperty("Range", "bytes=" + have + "-");
        }
        try {
            c.connect();
            return c;
        } catch (UnknownHostException e) {
            throw offline(url, "its name does not resolve", e);
        } catch (SocketTimeoutException e) {
            throw offline(url, "no answer within " + connectTimeout.toSeconds() + " s", e);
        } catch (ConnectException | NoRouteToHostException e) {
            throw offline(url, "connection refused or no route to the host: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new Incomplete("cannot connect: " + e, e);
        }
    }

    private static DownloadException offline(URI url, String why, IOException cause) {
        return new DownloadException("cannot download " + url + ": " + url.getHost() + " cannot be reached ("
                + why + "); this machine seems to be offline", cause);
    }

    private void verify(URI url, Path part, long announced, Expected expected, ContentCheck check) {
        long size = sizeOf(part);
        String problem = null;
        if (announced >= 0 && size != announced) {
            problem = "it has " + size + " bytes but the server announced " + announced;
        } else if (expected.size() >= 0 && size != expected.size()) {
            problem = "it has " + size + " bytes, expected " + expected.size();
        } else if (expected.sha256() != null) {
            String sha = sha256(part);
            if (!sha.equals(expected.sha256())) {
                problem = "its SHA-256 is " + sha + ", expected " + expected.sha256();
            }
        }
        if (problem == null) {
            try {
                check.check(part);
            } catch (RuntimeException e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            deletePart(part);
            throw new DownloadException("the file downloaded from " + url + " is corrupt and was deleted: "
                    + problem + ". Run again to download it afresh; if it fails again, the file on the server or a proxy"
                    + " in between is at fault");
        }
    }

    /**
     * The SHA-256 of a file.
     *
     * @param file any file
     * @return the hash in lower-case hex
     * @throws DownloadException if the file cannot be read
     */
    public static String sha256(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new DownloadException("cannot read " + file + " to hash it: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void moveIntoPlace(Path part, Path target) {
        try {
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DownloadException("cannot move " + part + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new DownloadException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deletePart(Path part) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            throw new DownloadException(
                    "cannot delete the unusable partial download " + part + ": " + e.getMessage(), e);
        }
    }
}
