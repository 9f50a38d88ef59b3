package dev.sparx.core.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file server on 127.0.0.1 for download tests: serves byte arrays by path, honours
 * {@code Range: bytes=N-} with 206 unless told not to, and can cut the first responses short
 * (the full length announced, part of the body sent).
 */
final class ReleaseServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile int cutsLeft;
    private volatile int cutAfter;
    private volatile boolean honourRange = true;

    ReleaseServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return the address of the folder the files are served from, ending in {@code /} */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/");
    }

    /** Serves {@code content} at {@code base() + name}. */
    void put(String name, byte[] content) {
        files.put("/v1/" + name, content);
    }

    /** The next {@code times} responses announce the full length but stop after {@code bytes} bytes of body. */
    void cut(int times, int bytes) {
        cutAfter = bytes;
        cutsLeft = times;
    }

    /** Whether Range requests get 206 (true) or the whole file with 200 (false). */
    void honourRange(boolean honour) {
        honourRange = honour;
    }

    /** @return one entry per request: the path, then {@code " range=N-"} if it asked for a range */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(path + (range == null ? "" : " range=" + range.substring("bytes=".length())));
        byte[] file = files.get(path);
        if (file == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        int from = 0;
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches() && honourRange) {
            from = Integer.parseInt(m.group(1));
            if (from >= file.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + file.length);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (file.length - 1) + "/" + file.length);
            ex.sendResponseHeaders(206, file.length - from);
        } else {
            ex.sendResponseHeaders(200, file.length);
        }
        int length = file.length - from;
        if (cutsLeft > 0) {
            cutsLeft--;
            length = Math.min(length, cutAfter);
        }
        try (OutputStream out = ex.getResponseBody()) {
            out.write(file, from, length);
        } catch (IOException e) {
            // a body shorter than announced is the point: the client sees a transfer that stalls
            // (until its read timeout) or ends early, as over a bad network
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
