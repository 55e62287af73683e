// A small-block allocator for one nghttp2 session (nghttp2_mem): freed blocks of up to 1 KiB go
// to a per-size-class free list and are handed out again without glibc. nghttp2 allocates and
// frees a stream object, its header buffers and outbound items for every stream; through glibc
// that was ~1,200 instructions per 100-byte stream (callgrind), against ~600 for h2load, whose
// jemalloc has per-thread caches. A session is used on one thread only (the worker that owns
// its connection), so the lists need no locks.
//
// Every block carries a 16-byte header (its capacity and size class) in front of the pointer
// nghttp2 sees, which keeps glibc's 16-byte alignment. Blocks over 1 KiB go straight to glibc.
// Each class keeps at most CLinux_POOL_KEEP free blocks; the rest are returned to glibc.
#include "CLinux.h"
#include <stdlib.h>
#include <string.h>

enum { POOL_GRAIN = 16, POOL_CLASSES = 64, POOL_LARGE = POOL_GRAIN * POOL_CLASSES, CLinux_POOL_KEEP = 4096 };

typedef struct pool_header {
    size_t capacity;   // bytes usable after the header
    size_t size_class; // index into lists, or POOL_CLASSES for a glibc block
} pool_header;

typedef struct pool_block { struct pool_block *next; } pool_block;

struct CLinux_pool {
    pool_block *lists[POOL_CLASSES];
    unsigned kept[POOL_CLASSES];
};

CLinux_pool *CLinux_pool_new(void) { return calloc(1, sizeof(CLinux_pool)); }

void CLinux_pool_del(CLinux_pool *pool) {
    if (!pool) return;
    for (int c = 0; c < POOL_CLASSES; c++) {
        pool_block *b = pool->lists[c];
        while (b) {
            pool_block *next = b->next;
            free((pool_header *)b - 1);
            b = next;
        }
    }
    free(pool);
}

void *CLinux_pool_malloc(size_t size, void *user) {
    CLinux_pool *pool = user;
    if (size == 0) size = 1;
    if (size <= POOL_LARGE) {
        size_t c = (size - 1) / POOL_GRAIN;
        pool_block *b = pool->lists[c];
        if (b) {
            pool->lists[c] = b->next;
            pool->kept[c]--;
            return b;
        }
        pool_header *h = malloc(sizeof(pool_header) + (c + 1) * POOL_GRAIN);
        if (!h) return NULL;
        h->capacity = (c + 1) * POOL_GRAIN;
        h->size_class = c;
        return h + 1;
    }
    if (size > SIZE_MAX - sizeof(pool_header)) return NULL;
    pool_header *h = malloc(sizeof(pool_header) + size);
    if (!h) return NULL;
    h->capacity = size;
    h->size_class = POOL_CLASSES;
    return h + 1;
}

void CLinux_pool_free(void *ptr, void *user) {
    if (!ptr) return;
    CLinux_pool *pool = user;
    pool_header *h = (pool_header *)ptr - 1;
    size_t c = h->size_class;
    if (c < POOL_CLASSES && pool->kept[c] < CLinux_POOL_KEEP) {
        pool_block *b = ptr;
        b->next = pool->lists[c];
        pool->lists[c] = b;
        pool->kept[c]++;
        return;
    }
    free(h);
}

void *CLinux_pool_calloc(size_t count, size_t size, void *user) {
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    void *p = CLinux_pool_malloc(count * size, user);
    if (p) memset(p, 0, count * size);
    return p;
}

void *CLinux_pool_realloc(void *ptr, size_t size, void *user) {
    if (!ptr) return CLinux_pool_malloc(size, user);
    if (size == 0) {
        CLinux_pool_free(ptr, user);
        return NULL;
    }
    pool_header *h = (pool_header *)ptr - 1;
    if (size <= h->capacity) return ptr;
    void *p = CLinux_pool_malloc(size, user);
    if (!p) return NULL;
    memcpy(p, ptr, h->capacity);
    CLinux_pool_free(ptr, user);
    return p;
}
