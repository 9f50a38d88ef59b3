/*
 * The checks both JNI libraries make on the eight buffers of a scan call before any kernel indexes
 * them: dimensions positive and without overflow, then float_buffers.h's checks of each buffer.
 */
#ifndef SPARX_SCAN_BUFFERS_H
#define SPARX_SCAN_BUFFERS_H

#include "float_buffers.h"

/* The buffers in the order u, delta, a, b, c, d, deltaBias, out. */
#define SPARX_SCAN_BUFFERS 8

static const char *const sparx_buffer_names[SPARX_SCAN_BUFFERS] = {
    "u", "delta", "a", "b", "c", "d", "deltaBias", "out"};

/*
 * The floats each buffer must hold for the dimensions B, D, N, H, W. Returns 1, or 0 with the
 * reason in message when a dimension is below 1 or a size overflows.
 */
static inline int sparx_scan_floats(int64_t batch, int64_t channels, int64_t state, int64_t height, int64_t width,
                                    int64_t floats[SPARX_SCAN_BUFFERS], char *message, size_t size) {
    if (batch < 1 || channels < 1 || state < 1 || height < 1 || width < 1) {
        snprintf(message, size, "every dimension must be at least 1");
        return 0;
    }
    int64_t length, signal, delta, projections, a;
    if (!(sparx_multiply(height, width, &length) && sparx_multiply(batch, channels, &signal)
          && sparx_multiply(signal, length, &signal) && sparx_multiply(signal, 4, &delta)
          && sparx_multiply(batch * 4, state, &projections) && sparx_multiply(projections, length, &projections)
          && sparx_multiply(4 * channels, state, &a))) {
        snprintf(message, size, "the dimensions overflow 64-bit sizes");
        return 0;
    }
    const int64_t expected[SPARX_SCAN_BUFFERS] = {
        signal, delta, a, projections, projections, 4 * channels, 4 * channels, signal};
    for (int i = 0; i < SPARX_SCAN_BUFFERS; i++) {
        floats[i] = expected[i];
    }
    return 1;
}

/*
 * Checks the buffers against the dimensions B, D, N, H, W. Returns 1 when they are fit to use,
 * else 0 with the reason in message.
 */
static inline int sparx_check_buffers(const sparx_buffer buffers[SPARX_SCAN_BUFFERS], int64_t batch,
                                      int64_t channels, int64_t state, int64_t height, int64_t width,
                                      char *message, size_t size) {
    int64_t floats[SPARX_SCAN_BUFFERS];
    return sparx_scan_floats(batch, channels, state, height, width, floats, message, size)
           && sparx_check_float_buffers(buffers, sparx_buffer_names, floats, SPARX_SCAN_BUFFERS, message, size);
}

#endif
