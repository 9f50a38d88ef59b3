/*
 * JNI entry points of libsparxscan.so (dev.sparx.kernels.NativeScanLibrary). The Java side checks
 * dtypes and shapes; this side checks again what a mistake there would turn into a crash: every
 * buffer direct, float-aligned, large enough for the dimensions, and the output overlapping no
 * input. A failed check returns a message instead of touching memory.
 */
#include <jni.h>
#include <stdint.h>
#include <stdio.h>

#include "cross_scan.h"
#include "dev_sparx_kernels_NativeScanLibrary.h"

typedef struct {
    const char *name;
    jobject buffer;
    int64_t floats;
    float *address;
} buffer_check;

static jstring error(JNIEnv *env, const char *message) {
    return (*env)->NewStringUTF(env, message);
}

static int overlaps(const buffer_check *x, const buffer_check *y) {
    uintptr_t x0 = (uintptr_t) x->address, y0 = (uintptr_t) y->address;
    uintptr_t x1 = x0 + (uintptr_t) x->floats * sizeof(float);
    uintptr_t y1 = y0 + (uintptr_t) y->floats * sizeof(float);
    return x0 < y1 && y0 < x1;
}

/* a * b into *out; false on overflow or a negative factor */
static int multiply(int64_t a, int64_t b, int64_t *out) {
    return a >= 0 && b >= 0 && !__builtin_mul_overflow(a, b, out);
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeScanLibrary_crossScanMerge(
        JNIEnv *env, jclass cls, jobject u, jobject delta, jobject a, jobject b, jobject c, jobject d,
        jobject bias, jobject out, jint batch, jint channels, jint state, jint height, jint width,
        jint threads, jboolean baseline) {
    (void) cls;
    if (batch < 1 || channels < 1 || state < 1 || height < 1 || width < 1 || threads < 1) {
        return error(env, "every dimension and the thread count must be at least 1");
    }
    int64_t length, per_direction, u_floats, delta_floats, bc_floats, a_floats;
    int ok = multiply(height, width, &length)
            && multiply(batch, channels, &u_floats) && multiply(u_floats, length, &u_floats)
            && multiply(u_floats, 4, &delta_floats)
            && multiply(batch * 4, state, &bc_floats) && multiply(bc_floats, length, &bc_floats)
            && multiply(4 * (int64_t) channels, state, &a_floats);
    if (!ok) {
        return error(env, "the dimensions overflow 64-bit sizes");
    }
    per_direction = 4 * (int64_t) channels;
    buffer_check buffers[] = {
        {"u", u, u_floats, NULL},
        {"delta", delta, delta_floats, NULL},
        {"a", a, a_floats, NULL},
        {"b", b, bc_floats, NULL},
        {"c", c, bc_floats, NULL},
        {"d", d, per_direction, NULL},
        {"deltaBias", bias, per_direction, NULL},
        {"out", out, u_floats, NULL},
    };
    const int count = sizeof buffers / sizeof buffers[0];
    char message[160];
    for (int i = 0; i < count; i++) {
        buffer_check *check = &buffers[i];
        if (check->buffer == NULL) {
            snprintf(message, sizeof message, "%s: no buffer", check->name);
            return error(env, message);
        }
        check->address = (*env)->GetDirectBufferAddress(env, check->buffer);
        jlong capacity = (*env)->GetDirectBufferCapacity(env, check->buffer);
        if (check->address == NULL || capacity < 0) {
            snprintf(message, sizeof message, "%s: not a direct buffer", check->name);
            return error(env, message);
        }
        if ((uintptr_t) check->address % sizeof(float) != 0) {
            snprintf(message, sizeof message, "%s: address not aligned to float32", check->name);
            return error(env, message);
        }
        if (capacity / (jlong) sizeof(float) < check->floats) {
            snprintf(message, sizeof message, "%s: buffer holds %lld floats, the shapes need %lld",
                    check->name, (long long) (capacity / (jlong) sizeof(float)), (long long) check->floats);
            return error(env, message);
        }
    }
    const buffer_check *output = &buffers[count - 1];
    for (int i = 0; i < count - 1; i++) {
        if (overlaps(&buffers[i], output)) {
            snprintf(message, sizeof message, "out overlaps %s", buffers[i].name);
            return error(env, message);
        }
    }
    sparx_scan_args args = {
        buffers[0].address, buffers[1].address, buffers[2].address, buffers[3].address,
        buffers[4].address, buffers[5].address, buffers[6].address, buffers[7].address,
        batch, channels, state, height, width,
    };
    const char *failure = sparx_cross_scan_merge(&args, threads, baseline == JNI_TRUE);
    return failure == NULL ? NULL : error(env, failure);
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeScanLibrary_instructionSet(
        JNIEnv *env, jclass cls, jboolean baseline) {
    (void) cls;
    return (*env)->NewStringUTF(env, sparx_scan_isa(baseline == JNI_TRUE));
}
