/*
 * The checks both JNI libraries make on the eight buffers of a scan call before any kernel indexes
 * them: dimensions positive and without overflow, every buffer present, float-aligned, large
 * enough for the dimensions, and the output overlapping no input. Plain C, included by the C (CPU)
 * and the CUDA C++ JNI sources; each extracts addresses and capacities with its own JNI syntax.
 */
#ifndef SPARX_SCAN_BUFFERS_H
#define SPARX_SCAN_BUFFERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The buffers in the order u, delta, a, b, c, d, deltaBias, out. */
#define SPARX_SCAN_BUFFERS 8

typedef struct {
    void *address;    /* NULL when the object was missing or not a direct buffer */
    int64_t capacity; /* bytes */
} sparx_buffer;

static const char *const sparx_buffer_names[SPARX_SCAN_BUFFERS] = {
    "u", "delta", "a", "b", "c", "d", "deltaBias", "out"};

/* a * b into *out; 0 on overflow or a negative factor */
static inline int sparx_multiply(int64_t a, int64_t b, int64_t *out) {
    return a >= 0 && b >= 0 && !__builtin_mul_overflow(a, b, out);
}

/*
 * Checks the buffers against the dimensions B, D, N, H, W. Returns 1 when they are fit to use,
 * else 0 with the reason in message.
 */
static inline int sparx_check_buffers(const sparx_buffer buffers[SPARX_SCAN_BUFFERS], int64_t batch,
                                      int64_t channels, int64_t state, int64_t height, int64_t width,
                                      char *message, size_t size) {
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
    const int64_t floats[SPARX_SCAN_BUFFERS] = {
        signal, delta, a, projections, projections, 4 * channels, 4 * channels, signal};
    for (int i = 0; i < SPARX_SCAN_BUFFERS; i++) {
        const char *name = sparx_buffer_names[i];
        if (buffers[i].address == NULL || buffers[i].capacity < 0) {
            snprintf(message, size, "%s: missing or not a direct buffer", name);
            return 0;
        }
        if ((uintptr_t) buffers[i].address % sizeof(float) != 0) {
            snprintf(message, size, "%s: address not aligned to float32", name);
            return 0;
        }
        if (buffers[i].capacity / (int64_t) sizeof(float) < floats[i]) {
            snprintf(message, size, "%s: buffer holds %lld floats, the shapes need %lld", name,
                     (long long) (buffers[i].capacity / (int64_t) sizeof(float)), (long long) floats[i]);
            return 0;
        }
    }
    const int out = SPARX_SCAN_BUFFERS - 1;
    uintptr_t out_start = (uintptr_t) buffers[out].address;
    uintptr_t out_end = out_start + (uintptr_t) floats[out] * sizeof(float);
    for (int i = 0; i < out; i++) {
        uintptr_t start = (uintptr_t) buffers[i].address;
        uintptr_t end = start + (uintptr_t) floats[i] * sizeof(float);
        if (start < out_end && out_start < end) {
            snprintf(message, size, "out overlaps %s", sparx_buffer_names[i]);
            return 0;
        }
    }
    return 1;
}

#endif
