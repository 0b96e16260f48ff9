/* The internal picture (picture.h): references, and a pool of buffers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "picture.h"

void vx_picture_ref(VxPicture *dst, const VxPicture *src)
{
    if (src->buf)
        atomic_fetch_add(&src->buf->refs, 1);
    if (dst != src)
        *dst = *src;
}

void vx_picture_unref(VxPicture *p)
{
    vx_picbuf_unref(&p->buf);
    memset(p, 0, sizeof(*p));
}

int vx_picture_same(const VxPicture *a, const VxPicture *b)
{
    return a->id && a->id == b->id && a->data[0] == b->data[0];
}

static void buf_free(VxPicBuf *b)
{
    free(b->data);
    free(b);
}

VxPicBuf *vx_picbuf_alloc(size_t size)
{
    VxPicBuf *b = calloc(1, sizeof(*b));
    if (!b || posix_memalign((void **)&b->data, 64, size ? size : 1)) {
        free(b);
        return NULL;
    }
    atomic_init(&b->refs, 1);
    b->size = size;
    b->free = buf_free;
    return b;
}

void vx_picbuf_unref(VxPicBuf **pb)
{
    VxPicBuf *b = *pb;
    *pb = NULL;
    if (b && atomic_fetch_sub(&b->refs, 1) == 1)
        b->free(b);
}

struct VxPicPool {
    pthread_mutex_t mu;
    size_t size;
    void (*init)(void *opaque, VxPicBuf *b);
    void *opaque;
    VxPicBuf **free_list;
    int n_free, cap;
    int outstanding; /* buffers given out and not back */
    int closed;      /* vx_picpool_free was called: the last buffer back frees it */
};

static void pool_destroy(VxPicPool *p)
{
    for (int i = 0; i < p->n_free; i++)
        buf_free(p->free_list[i]);
    free(p->free_list);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* A pooled buffer's last reference went: back to the free list (or freed with the pool). */
static void pool_release(VxPicBuf *b)
{
    VxPicPool *p = b->opaque;
    pthread_mutex_lock(&p->mu);
    p->outstanding--;
    int keep = !p->closed;
    if (keep && p->n_free == p->cap) {
        int cap = p->cap ? 2 * p->cap : 8;
        VxPicBuf **l = realloc(p->free_list, sizeof(*l) * (size_t)cap);
        if (l)
            p->free_list = l, p->cap = cap;
        else
            keep = 0;
    }
    if (keep)
        p->free_list[p->n_free++] = b;
    const int last = p->closed && !p->outstanding;
    pthread_mutex_unlock(&p->mu);
    if (!keep)
        buf_free(b);
    if (last)
        pool_destroy(p);
}

VxPicPool *vx_picpool_create(size_t size, void (*init)(void *opaque, VxPicBuf *b),
                             void *opaque)
{
    VxPicPool *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    p->size = size, p->init = init, p->opaque = opaque;
    return p;
}

VxPicBuf *vx_picpool_get(VxPicPool *p)
{
    pthread_mutex_lock(&p->mu);
    VxPicBuf *b = p->n_free ? p->free_list[--p->n_free] : NULL;
    p->outstanding++;
    pthread_mutex_unlock(&p->mu);
    if (!b) {
        if (!(b = vx_picbuf_alloc(p->size))) {
            pthread_mutex_lock(&p->mu);
            p->outstanding--;
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        b->free = pool_release, b->opaque = p;
        if (p->init)
            p->init(p->opaque, b);
    }
    atomic_store(&b->refs, 1);
    return b;
}

void vx_picpool_free(VxPicPool **pp)
{
    VxPicPool *p = *pp;
    *pp = NULL;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->closed = 1;
    const int last = !p->outstanding;
    pthread_mutex_unlock(&p->mu);
    if (last)
        pool_destroy(p);
}
