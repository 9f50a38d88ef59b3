/*
 * JNI entry points of libsparxscan_cuda.so (dev.sparx.kernels.CudaScanLibrary).
 *
 * crossScanMerge takes direct buffers that wrap device memory (DJL's PyTorch engine hands them out
 * for CUDA tensors, see docs/cuda.md); their addresses are device pointers and are never read on
 * the host. crossScanMergeHost takes ordinary host buffers and copies through device memory, so the
 * kernel can be tested where DJL has no CUDA build. Both recheck the buffers (scan_buffers.h) and
 * return a message, never crash, on a bad argument or a CUDA error.
 */
#include <jni.h>

#include <cstdio>

#include "cross_scan_cuda.h"
#include "dev_sparx_kernels_CudaScanLibrary.h"
#include "scan_buffers.h"

namespace {

constexpr int kInputs = SPARX_SCAN_BUFFERS - 1;

using Launcher = jstring (*)(JNIEnv *, const sparx_buffer (&)[SPARX_SCAN_BUFFERS], jint, jint, jint, jint, jint);

jstring message(JNIEnv *env, const char *what, cudaError_t status) {
    char text[200];
    std::snprintf(text, sizeof text, "%s: %s", what, cudaGetErrorString(status));
    return env->NewStringUTF(text);
}

sparx_scan_args arguments(void *const (&pointers)[SPARX_SCAN_BUFFERS], jint batch, jint channels, jint state,
                          jint height, jint width) {
    return sparx_scan_args{
        static_cast<const float *>(pointers[0]), static_cast<const float *>(pointers[1]),
        static_cast<const float *>(pointers[2]), static_cast<const float *>(pointers[3]),
        static_cast<const float *>(pointers[4]), static_cast<const float *>(pointers[5]),
        static_cast<const float *>(pointers[6]), static_cast<float *>(pointers[7]),
        batch, channels, state, height, width, nullptr, nullptr, 0};
}

/* Launches on the device holding the (device) buffers; NULL once enqueued, else why not. */
jstring launch_on_device(JNIEnv *env, const sparx_buffer (&buffers)[SPARX_SCAN_BUFFERS], jint batch, jint channels,
                         jint state, jint height, jint width) {
    void *pointers[SPARX_SCAN_BUFFERS];
    int device = -1;
    for (int i = 0; i < SPARX_SCAN_BUFFERS; i++) {
        cudaPointerAttributes attributes;
        cudaError_t status = cudaPointerGetAttributes(&attributes, buffers[i].address);
        if (status != cudaSuccess) {
            return message(env, sparx_buffer_names[i], status);
        }
        if (attributes.type != cudaMemoryTypeDevice && attributes.type != cudaMemoryTypeManaged) {
            char text[120];
            std::snprintf(text, sizeof text, "%s is not in device memory", sparx_buffer_names[i]);
            return env->NewStringUTF(text);
        }
        if (device >= 0 && attributes.device != device) {
            char text[120];
            std::snprintf(text, sizeof text, "%s is on device %d, u on device %d", sparx_buffer_names[i],
                          attributes.device, device);
            return env->NewStringUTF(text);
        }
        device = attributes.device;
        pointers[i] = buffers[i].address;
    }
    int previous = 0;
    cudaGetDevice(&previous);
    cudaSetDevice(device);
    /* the legacy default stream, which libtorch's default stream also is, orders the kernel after
     * the ops that produced the inputs and before those that read the output */
    cudaError_t status = sparx_cuda_cross_scan_merge(arguments(pointers, batch, channels, state, height, width), 0);
    cudaSetDevice(previous);
    return status == cudaSuccess ? nullptr : message(env, "kernel launch", status);
}

/* Copies host buffers to the current device, runs, waits, copies out back; NULL, else why not. */
jstring run_from_host(JNIEnv *env, const sparx_buffer (&buffers)[SPARX_SCAN_BUFFERS], jint batch, jint channels,
                      jint state, jint height, jint width) {
    void *device_buffers[SPARX_SCAN_BUFFERS] = {};
    cudaError_t status = cudaSuccess;
    const char *stage = "cudaMalloc";
    for (int i = 0; i < SPARX_SCAN_BUFFERS && status == cudaSuccess; i++) {
        status = cudaMalloc(&device_buffers[i], static_cast<size_t>(buffers[i].capacity));
    }
    if (status == cudaSuccess) {
        stage = "copy to device";
        for (int i = 0; i < kInputs && status == cudaSuccess; i++) {
            status = cudaMemcpy(device_buffers[i], buffers[i].address, static_cast<size_t>(buffers[i].capacity),
                                cudaMemcpyHostToDevice);
        }
    }
    if (status == cudaSuccess) {
        stage = "kernel";
        status = sparx_cuda_cross_scan_merge(arguments(device_buffers, batch, channels, state, height, width), 0);
        if (status == cudaSuccess) {
            status = cudaDeviceSynchronize();
        }
    }
    if (status == cudaSuccess) {
        stage = "copy to host";
        status = cudaMemcpy(buffers[kInputs].address, device_buffers[kInputs],
                            static_cast<size_t>(buffers[kInputs].capacity), cudaMemcpyDeviceToHost);
    }
    for (int i = 0; i < SPARX_SCAN_BUFFERS; i++) {
        cudaFree(device_buffers[i]);
    }
    return status == cudaSuccess ? nullptr : message(env, stage, status);
}

/*
 * Reads the eight buffers' addresses and capacities, checks them against the dimensions, and runs
 * `launch` on them when they are fit; returns NULL on success, else the reason as a Java string.
 */
jstring checked(JNIEnv *env, const jobject (&objects)[SPARX_SCAN_BUFFERS], jint batch, jint channels, jint state,
                jint height, jint width, Launcher launch) {
    sparx_buffer buffers[SPARX_SCAN_BUFFERS];
    for (int i = 0; i < SPARX_SCAN_BUFFERS; i++) {
        buffers[i].address = objects[i] == nullptr ? nullptr : env->GetDirectBufferAddress(objects[i]);
        buffers[i].capacity = objects[i] == nullptr ? -1 : env->GetDirectBufferCapacity(objects[i]);
    }
    char text[160];
    if (!sparx_check_buffers(buffers, batch, channels, state, height, width, text, sizeof text)) {
        return env->NewStringUTF(text);
    }
    return launch(env, buffers, batch, channels, state, height, width);
}

}  // namespace

JNIEXPORT jint JNICALL Java_dev_sparx_kernels_CudaScanLibrary_deviceCount(JNIEnv *, jclass) {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError(); /* clear the sticky "no driver" status */
        return 0;
    }
    return count;
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_CudaScanLibrary_crossScanMerge(
        JNIEnv *env, jclass, jobject u, jobject delta, jobject a, jobject b, jobject c, jobject d, jobject bias,
        jobject out, jint batch, jint channels, jint state, jint height, jint width) {
    return checked(env, {u, delta, a, b, c, d, bias, out}, batch, channels, state, height, width, launch_on_device);
}

JNIEXPORT jstring JNICALL Java_dev_sparx_kernels_CudaScanLibrary_crossScanMergeHost(
        JNIEnv *env, jclass, jobject u, jobject delta, jobject a, jobject b, jobject c, jobject d, jobject bias,
        jobject out, jint batch, jint channels, jint state, jint height, jint width) {
    return checked(env, {u, delta, a, b, c, d, bias, out}, batch, channels, state, height, width, run_from_host);
}
