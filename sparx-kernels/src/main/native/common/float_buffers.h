/*
 * The checks every JNI entry point makes on its float32 buffers before a kernel indexes them:
 * present, float-aligned, large enough for the dimensions, and the output (the last buffer)
 * overlapping no input. Plain C, included by the C (CPU) and the CUDA C++ JNI sources; each
 * extracts addresses and capacities with its own JNI syntax.
 */
#ifndef SPARX_FLOAT_BUFFERS_H
#define SPARX_FLOAT_BUFFERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    void *address;    /* NULL when the object was missing or not a direct buffer */
    int64_t capacity; /* bytes */
} sparx_buffer;

/* a * b into *out; 0 on overflow or a negative factor */
static inline int sparx_multiply(int64_t a, int64_t b, int64_t *out) {
    return a >= 0 && b >= 0 && !__builtin_mul_overflow(a, b, out);
}

/*
 * Checks `count` buffers against the floats each must hold; the last is the output. A buffer that
 * must hold 0 floats is optional and may be absent. Returns 1 when they are fit to use, else 0 with
 * the reason, naming the buffer, in message.
 */
static inline int sparx_check_float_buffers(const sparx_buffer *buffers, const char *const *names,
                                            const int64_t *floats, int count, char *message, size_t size) {
    for (int i = 0; i < count; i++) {
        if (floats[i] == 0 && buffers[i].address == NULL) {
            continue;
        }
        if (buffers[i].address == NULL || buffers[i].capacity < 0) {
            snprintf(message, size, "%s: missing or not a direct buffer", names[i]);
            return 0;
        }
        if ((uintptr_t) buffers[i].address % sizeof(float) != 0) {
            snprintf(message, size, "%s: address not aligned to float32", names[i]);
            return 0;
        }
        if (buffers[i].capacity / (int64_t) sizeof(float) < floats[i]) {
            snprintf(message, size, "%s: buffer holds %lld floats, the shapes need %lld", names[i],
                     (long long) (buffers[i].capacity / (int64_t) sizeof(float)), (long long) floats[i]);
            return 0;
        }
    }
    const int out = count - 1;
    uintptr_t out_start = (uintptr_t) buffers[out].address;
    uintptr_t out_end = out_start + (uintptr_t) floats[out] * sizeof(float);
    for (int i = 0; i < out; i++) {
        uintptr_t start = (uintptr_t) buffers[i].address;
        uintptr_t end = start + (uintptr_t) floats[i] * sizeof(float);
        if (start != 0 && start < out_end && out_start < end) {
            snprintf(message, size, "out overlaps %s", names[i]);
            return 0;
        }
    }
    return 1;
}

#endif
