/*
 * JNI entry points of libsparxscan.so (dev.sparx.kernels.NativeScanLibrary). The Java side checks
 * dtypes and shapes; this side checks again (scan_buffers.h) what a mistake there would turn into
 * a crash, and returns a message instead of touching memory.
 */
#include <jni.h>

#include "cross_scan.h"
#include "dev_sparx_kernels_NativeScanLibrary.h"
#include "scan_buffers.h"

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeScanLibrary_crossScanMerge(
        JNIEnv *env, jclass cls, jobject u, jobject delta, jobject a, jobject b, jobject c, jobject d,
        jobject bias, jobject out, jint batch, jint channels, jint state, jint height, jint width,
        jint threads, jboolean baseline) {
    (void) cls;
    jobject objects[SPARX_SCAN_BUFFERS] = {u, delta, a, b, c, d, bias, out};
    sparx_buffer buffers[SPARX_SCAN_BUFFERS];
    for (int i = 0; i < SPARX_SCAN_BUFFERS; i++) {
        buffers[i].address = objects[i] == NULL ? NULL : (*env)->GetDirectBufferAddress(env, objects[i]);
        buffers[i].capacity = objects[i] == NULL ? -1 : (*env)->GetDirectBufferCapacity(env, objects[i]);
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
        batch, channels, state, height, width,
    };
    const char *failure = sparx_cross_scan_merge(&args, threads, baseline == JNI_TRUE);
    return failure == NULL ? NULL : (*env)->NewStringUTF(env, failure);
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_NativeScanLibrary_instructionSet(
        JNIEnv *env, jclass cls, jboolean baseline) {
    (void) cls;
    return (*env)->NewStringUTF(env, sparx_scan_isa(baseline == JNI_TRUE));
}
