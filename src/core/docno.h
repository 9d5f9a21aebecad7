/*
 * docno.h — document numbers: {prefix}{yyyymmdd}{type}{seq} (numbering-and-rules.md §1).
 * Formatting and parsing only; the sequence is allocated by the store inside the creating
 * transaction (store/seq.c).
 */
#ifndef OSB_DOCNO_H
#define OSB_DOCNO_H

#include "core/date.h"

#define DOCNO_MAX 32

/* Writes e.g. "SC20261122DD0001" into buf (DOCNO_MAX bytes); false on a bad prefix/type/seq
   (seq outside 1..99999) or a day outside DATE_MIN_YEAR..DATE_MAX_YEAR. */
bool docno_format(char *buf, const char *prefix, date_t day, const char *type, int64_t seq);

/* Checks ^[A-Z]{1,4}[0-9]{8}[A-Z]{2,4}[0-9]{4,5}$ and a valid date; fills the parts if non-NULL
   (prefix and type buffers of 5 bytes). Only the canonical form docno_format writes is taken:
   seq 0 and a 5-digit seq with a leading zero are refused, so parse + format round-trips. */
bool docno_parse(const char *s, char *prefix, date_t *day, char *type, int64_t *seq);

#endif
