#ifndef HANDRAIL_SHA256_KERNEL_H
#define HANDRAIL_SHA256_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the CPU has the SHA extensions (and SSSE3, SSE4.1) this kernel needs. */
int handrail_sha256_hardware_available(void);

/* Compresses `blocks` 64-byte blocks into `state` (a, b, …, h as native integers). Call only
   when handrail_sha256_hardware_available() returned 1. */
void handrail_sha256_compress_hardware(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
