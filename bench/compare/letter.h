/*
 * letter.h - the block of plain text a patch's cover letter quotes: what
 * was measured (the model, the machine, the sizes, the command) and the
 * verdict's answers with their intervals, or "not detected (+/-X %)" where
 * the interval allows no effect; with a base run, what changed.  At most
 * HB_LETTER_WIDTH columns, ASCII, nothing that needs the report to be
 * understood.  Built on the verdict's public numbers (verdict.h, its CSV
 * form) and the run's environment.csv; prints nothing on its own.
 */
#ifndef HB_LETTER_H
#define HB_LETTER_H

#include <stdio.h>

#define HB_LETTER_WIDTH 72

/*
 * Write to f the letter of the results folder run; with base (NULL: none)
 * the changes from base to run too.  0, or -1 with a one-line reason in
 * why (a folder the verdict cannot read, out of memory).  The caller
 * checks f's errors.
 */
int hb_letter_write(FILE *f, const char *run, const char *base, char *why, size_t whylen);

#endif
