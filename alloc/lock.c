/*
 * lock.c - the heap lock as Xen takes it: out-of-line calls, as Xen's
 * _spin_lock and _spin_unlock (xen/common/spinlock.c, RELEASE-4.17.7):
 * preempt_disable() (Xen's per-CPU count; here a count in the heap,
 * updated with relaxed atomics so that threads may share it), the ticket
 * add and the wait; the unlock moves the head and calls preempt_enable().
 * The caller fences after taking it, as Xen's spin_lock() does with
 * block_lock_speculation() (CONFIG_SPECULATIVE_HARDEN_LOCK, on in
 * Debian's build): see internal.h, pai_lock.
 */
#include "alloc/internal.h"

static void preempt_add(struct pa_heap *h, int d)
{
    uint32_t n = atomic_load_explicit(&h->preempt, memory_order_relaxed);

    atomic_store_explicit(&h->preempt, n + (uint32_t)d, memory_order_relaxed);
}

__attribute__((noinline))
void pai_spin_lock(struct pa_heap *h)
{
    uint32_t me;
    unsigned spins = 0;

    preempt_add(h, 1);
    me = atomic_fetch_add_explicit(&h->lock.next, 1, memory_order_relaxed);
    while (atomic_load_explicit(&h->lock.owner, memory_order_acquire) != me) {
        if (++spins < 1024)
            pai_cpu_relax();
        else
            sched_yield();
    }
}

__attribute__((noinline))
void pai_spin_unlock(struct pa_heap *h)
{
    uint32_t o = atomic_load_explicit(&h->lock.owner, memory_order_relaxed);

    atomic_store_explicit(&h->lock.owner, o + 1, memory_order_release);
    preempt_add(h, -1);
}
