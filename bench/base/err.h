/*
 * err.h - the one error line of the command line, and its exit statuses.
 *
 * Only the commands (bench/cmd/) print: a library part writes its one-line
 * error into a buffer its caller passes, and the command hands that buffer
 * to hb_err().  The exit statuses are here, not in cli.h, so that code below
 * the commands can name a status without including the command layer.
 */
#ifndef HB_ERR_H
#define HB_ERR_H

#define HB_EXIT_OK 0
#define HB_EXIT_FAIL 1      /* a failure at run time: I/O, out of memory */
#define HB_EXIT_USAGE 2     /* a bad input, named on one line */

/* Print "heapbench: " + message + newline on stderr. */
void hb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
