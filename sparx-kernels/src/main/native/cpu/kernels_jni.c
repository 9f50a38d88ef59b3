/*
 * JNI entry points of libsparxscan.so (dev.sparx.kernels.NativeKernels). The Java side checks
 * dtypes and shapes; this side checks again (scan_buffers.h, float_buffers.h) what a mistake there
 * would turn into a crash, and returns a message instead of touching memory.
 */
#include <jni.h>

#include "cross_scan.h"
#include "depthwise.h"
#include "group_norm.h"
#include "isa.h"
#include "layer_scale.h"
#include "dev_sparx_kernels_NativeKernels.h"
#include "scan_buffers.h"

static sparx_buffer buffer_of(JNIEnv *env, jobject object) {
    sparx_buffer b = {NULL, -1};
    if (object != NULL) {
        b.address = (*env)->GetDirectBufferAddress(env, object);
        b.capacity = (*env)->GetDirectBufferCapacity(env, object);
    }
    return b;
}

/* A kernel's result as Java sees it: null, or the message. */
static jstring result(JNIEnv *env, const char *failure) {
    return failure == NULL ? NULL : (*env)->NewStringUTF(env, failure);
}

/*
 * The buffers of a kernel, out last, checked against the floats each must hold (float_buffers.h;
 * 0 for an absent optional one). Returns NULL when they are fit to use, else the message for Java.
 */
static jstring check_buffers(JNIEnv *env, int count, const jobject objects[], const char *const names[],
                             const int64_t floats[], sparx_buffer buffers[]) {
    for (int i = 0; i < count; i++) {
        buffers[i] = buffer_of(env, objects[i]);
    }
    char message[160];
    return sparx_check_float_buffers(buffers, names, floats, count, message, sizeof message)
               ? NULL
               : (*env)->NewStringUTF(env, message);
}

/*
 * The checks of a kernel over (B, C, L) planes (GroupNorm, the layer-scaled residual): threads and
 * every dimension at least 1, and B * C * L, stored in *signal, within 64 bits. Returns NULL when
 * they pass, else the message for Java.
 */
static jstring check_planes(JNIEnv *env, jint threads, jint batch, jint channels, jint spatial, int64_t *signal) {
    if (threads < 1) {
        return (*env)->NewStringUTF(env, "threads must be at least 1");
    }
    if (batch < 1 || channels < 1 || spatial < 1) {
        return (*env)->NewStringUTF(env, "every dimension must be at least 1");
    }
    if (!sparx_multiply((int64_t) batch * channels, spatial, signal)) {
        return (*env)->NewStringUTF(env, "the dimensions overflow 64-bit sizes");
    }
    return NULL;
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeKernels_crossScanMerge(
        JNIEnv *env, jclass cls, jobject u, jobject delta, jobject a, jobject b, jobject c, jobject d,
        jobject bias, jobject out, jint batch, jint channels, jint state, jint height, jint width,
        jint threads, jint isa_limit) {
    (void) cls;
    jobject objects[SPARX_SCAN_BUFFERS] = {u, delta, a, b, c, d, bias, out};
    sparx_buffer buffers[SPARX_SCAN_BUFFERS];
    for (int i = 0; i < SPARX_SCAN_BUFFERS; i++) {
        buffers[i] = buffer_of(env, objects[i]);
    }
    char message[160];
    if (threads < 1) {
        return (*env)->NewStringUTF(env, "threads must be at least 1");
    }
    if (!sparx_check_buffers(buffers, batch, channels, state, height, width, message, sizeof message)) {
        return (*env)->NewStringUTF(env, message);
    }
    sparx_scan_args args = {
        buffers[0].address, buffers[1].address, buffers[2].address, buffers[3].address,
        buffers[4].address, buffers[5].address, buffers[6].address, buffers[7].address,
        batch, channels, state, height, width, NULL, NULL, 0,
    };
    return result(env, sparx_cross_scan_merge(&args, threads, isa_limit));
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeKernels_crossScanMergeLowRank(
        JNIEnv *env, jclass cls, jobject u, jobject delta_low, jobject delta_weight, jobject a, jobject b,
        jobject c, jobject d, jobject bias, jobject out, jint batch, jint channels, jint state, jint height,
        jint width, jint rank, jint threads, jint isa_limit) {
    (void) cls;
    /* the scan's buffers with delta replaced by its two factors */
    static const char *const names[SPARX_SCAN_BUFFERS + 1] = {
        "u", "deltaLow", "deltaWeight", "a", "b", "c", "d", "deltaBias", "out"};
    const jobject objects[SPARX_SCAN_BUFFERS + 1] = {u, delta_low, delta_weight, a, b, c, d, bias, out};
    char message[160];
    if (threads < 1) {
        return (*env)->NewStringUTF(env, "threads must be at least 1");
    }
    if (rank < 1 || rank > SPARX_MAX_EXPANDED_RANK) {
        return (*env)->NewStringUTF(env, "rank must be between 1 and 16");
    }
    int64_t scan[SPARX_SCAN_BUFFERS], low, weight;
    if (!sparx_scan_floats(batch, channels, state, height, width, scan, message, sizeof message)) {
        return (*env)->NewStringUTF(env, message);
    }
    /* delta holds B*K*D*L floats; its factors B*K*R*L and K*D*R */
    if (!(sparx_multiply(scan[1] / channels, rank, &low) && sparx_multiply(4 * (int64_t) channels, rank, &weight))) {
        return (*env)->NewStringUTF(env, "the dimensions overflow 64-bit sizes");
    }
    const int64_t floats[SPARX_SCAN_BUFFERS + 1] = {
        scan[0], low, weight, scan[2], scan[3], scan[4], scan[5], scan[6], scan[7]};
    sparx_buffer buffers[SPARX_SCAN_BUFFERS + 1];
    jstring unfit = check_buffers(env, SPARX_SCAN_BUFFERS + 1, objects, names, floats, buffers);
    if (unfit != NULL) {
        return unfit;
    }
    sparx_scan_args args = {
        buffers[0].address, NULL, buffers[3].address, buffers[4].address, buffers[5].address,
        buffers[6].address, buffers[7].address, buffers[8].address,
        batch, channels, state, height, width,
        buffers[1].address, buffers[2].address, rank,
    };
    return result(env, sparx_cross_scan_merge(&args, threads, isa_limit));
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeKernels_instructionSet(
        JNIEnv *env, jclass cls, jint isa_limit) {
    (void) cls;
    return (*env)->NewStringUTF(env, sparx_isa_name(sparx_isa_level(isa_limit)));
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeKernels_depthwiseConv2d(
        JNIEnv *env, jclass cls, jobject input, jobject input_bias, jobject weight, jobject bias, jobject out,
        jint batch, jint channels, jint height, jint width, jint kernel, jint stride, jint epilogue, jint threads,
        jint isa_limit) {
    (void) cls;
    if (threads < 1) {
        return (*env)->NewStringUTF(env, "threads must be at least 1");
    }
    if (batch < 1 || channels < 1 || height < 1 || width < 1 || kernel < 1 || stride < 1) {
        return (*env)->NewStringUTF(env, "every dimension and the stride must be at least 1");
    }
    int64_t plane, signal, taps, out_plane, out_signal;
    int64_t out_height = (height + (int64_t) stride - 1) / stride, out_width = (width + (int64_t) stride - 1) / stride;
    if (!(sparx_multiply(height, width, &plane) && sparx_multiply((int64_t) batch * channels, plane, &signal)
          && sparx_multiply((int64_t) kernel * kernel, channels, &taps)
          && sparx_multiply(out_height, out_width, &out_plane)
          && sparx_multiply((int64_t) batch * channels, out_plane, &out_signal))) {
        return (*env)->NewStringUTF(env, "the dimensions overflow 64-bit sizes");
    }
    static const char *const names[5] = {"input", "inputBias", "weight", "bias", "out"};
    const jobject objects[5] = {input, input_bias, weight, bias, out};
    const int64_t floats[5] = {signal, input_bias == NULL ? 0 : channels, taps, bias == NULL ? 0 : channels,
                               out_signal};
    sparx_buffer buffers[5];
    jstring unfit = check_buffers(env, 5, objects, names, floats, buffers);
    if (unfit != NULL) {
        return unfit;
    }
    sparx_depthwise_args args = {
        buffers[0].address, buffers[1].address, buffers[2].address, buffers[3].address, buffers[4].address,
        batch, channels, height, width, kernel, stride, epilogue,
    };
    return result(env, sparx_depthwise_conv2d(&args, threads, isa_limit));
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeKernels_groupNorm(
        JNIEnv *env, jclass cls, jobject input, jobject weight, jobject bias, jobject out, jint batch,
        jint channels, jint spatial, jdouble eps, jint threads, jint isa_limit) {
    (void) cls;
    int64_t signal = 0;
    jstring unfit = check_planes(env, threads, batch, channels, spatial, &signal);
    if (unfit != NULL) {
        return unfit;
    }
    if (!(eps >= 0)) {
        return (*env)->NewStringUTF(env, "eps must be at least 0");
    }
    static const char *const names[4] = {"input", "weight", "bias", "out"};
    const jobject objects[4] = {input, weight, bias, out};
    const int64_t floats[4] = {signal, channels, channels, signal};
    sparx_buffer buffers[4];
    unfit = check_buffers(env, 4, objects, names, floats, buffers);
    if (unfit != NULL) {
        return unfit;
    }
    sparx_group_norm_args args = {
        buffers[0].address, buffers[1].address, buffers[2].address, buffers[3].address,
        batch, channels, spatial, eps,
    };
    return result(env, sparx_group_norm(&args, threads, isa_limit));
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeKernels_layerScaleResidual(
        JNIEnv *env, jclass cls, jobject x, jobject scale, jobject shift, jobject branch, jobject out, jint batch,
        jint channels, jint spatial, jint threads, jint isa_limit) {
    (void) cls;
    int64_t signal = 0;
    jstring unfit = check_planes(env, threads, batch, channels, spatial, &signal);
    if (unfit != NULL) {
        return unfit;
    }
    static const char *const names[5] = {"x", "scale", "shift", "branch", "out"};
    const jobject objects[5] = {x, scale, shift, branch, out};
    const int64_t floats[5] = {signal, channels, channels, signal, signal};
    sparx_buffer buffers[5];
    unfit = check_buffers(env, 5, objects, names, floats, buffers);
    if (unfit != NULL) {
        return unfit;
    }
    sparx_layer_scale_args args = {
        buffers[0].address, buffers[1].address, buffers[2].address, buffers[3].address, buffers[4].address,
        batch, channels, spatial,
    };
    return result(env, sparx_layer_scale_residual(&args, threads, isa_limit));
}
