/*
 * clock.h - the one monotonic clock of bench/.
 *
 * CLOCK_MONOTONIC: never steps back when the wall clock is set, so an
 * interval read from it is a duration.  Two views of the same clock: whole
 * nanoseconds for timed loops, seconds as a double for progress and ETAs.
 */
#ifndef HB_CLOCK_H
#define HB_CLOCK_H

#include <stdint.h>

uint64_t hb_now_ns(void);   /* nanoseconds since an arbitrary start */
double hb_now_s(void);      /* the same, in seconds */

#endif
