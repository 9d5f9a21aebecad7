/*
 * json_pool.c — jansson's small blocks from per-thread free lists.
 *
 * Every answer, timeline entry, statement parameter list and audit text of a request is a tree
 * of jansson values, and each value is two or three malloc blocks (the value, its string or
 * hash table, an object's key pairs): ~200,000 malloc and as many free calls for the bench's 428
 * requests, ~130 instructions each, because glibc keeps only 7 freed blocks of a size per
 * thread (tcache) and sends the rest through its bins, where the next large allocation (a
 * statement's page, the answer's 4 KiB buffer) consolidates them again. Here a freed block of
 * up to 256 bytes goes on its thread's list for its size class (32, 64, ... 256 bytes), up to
 * POOL_KEEP blocks a class, and the next allocation of that class takes it back.
 *
 * Every block is an ordinary malloc block of the class's size: a block jansson hands out and
 * the caller frees with free() (json_dumps' text) is fine, and so is a block of another origin
 * given to json_pool_free. The class of a freed block is read from malloc_usable_size, so no
 * header is needed. A thread that ends gives its lists back to malloc.
 */
#include "core/json_pool.h"

#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define POOL_STEP 32
#define POOL_CLASSES 8 /* 32, 64, ... 256 bytes */
/* Blocks kept a class a thread: 128, ~150 KiB at most. They are live to malloc and scattered
   over the thread's arena, each holding its page resident through malloc_trim: at 1,024 a
   class (~1.2 MiB) the lists of the threads that met a large answer held four classes full,
   and the soak's RSS after the trim kept climbing (bench/README.md "Memory over a long run"). */
#define POOL_KEEP JSON_POOL_KEEP

struct block {
    struct block *next;
};

static __thread struct block *lists[POOL_CLASSES];
static __thread unsigned counts[POOL_CLASSES];
static __thread bool registered;

static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void release(void *unused)
{
    (void)unused;
    for (int c = 0; c < POOL_CLASSES; c++) {
        while (lists[c]) {
            struct block *b = lists[c];
            lists[c] = b->next;
            free(b);
        }
        counts[c] = 0;
    }
}

static void pool_init(void)
{
    (void)pthread_key_create(&pool_key, release);
}

void *json_pool_malloc(size_t n)
{
    if (n == 0)
        n = 1;
    if (n > POOL_STEP * POOL_CLASSES)
        return malloc(n);
    size_t c = (n - 1) / POOL_STEP;
    struct block *b = lists[c];
    if (b) {
        lists[c] = b->next;
        counts[c]--;
        return b;
    }
    return malloc((c + 1) * POOL_STEP);
}

void json_pool_free(void *p)
{
    if (!p)
        return;
    size_t u = malloc_usable_size(p);
    if (u < POOL_STEP) {
        free(p);
        return;
    }
    size_t c = u / POOL_STEP - 1; /* the largest class the block holds */
    if (c >= POOL_CLASSES)
        c = POOL_CLASSES - 1;
    if (counts[c] >= POOL_KEEP || u > 2 * POOL_STEP * POOL_CLASSES) {
        free(p);
        return;
    }
    if (!registered) {
        /* The thread's lists go back to malloc when it ends. */
        pthread_once(&pool_once, pool_init);
        (void)pthread_setspecific(pool_key, lists);
        registered = true;
    }
    struct block *b = p;
    b->next = lists[c];
    lists[c] = b;
    counts[c]++;
}

unsigned json_pool_kept(void)
{
    unsigned n = 0;
    for (int c = 0; c < POOL_CLASSES; c++)
        n += counts[c];
    return n;
}

void json_pool_install(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return;
#else
    json_set_alloc_funcs(json_pool_malloc, json_pool_free);
#endif
}
