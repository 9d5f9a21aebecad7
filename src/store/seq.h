/*
 * seq.h — document sequences: the next number of (prefix, day, type), taken inside the
 * creating transaction, so a rolled-back request consumes nothing and numbers have no gaps.
 */
#ifndef OSB_SEQ_H
#define OSB_SEQ_H

#include "core/date.h"
#include "core/docno.h"
#include "store/db.h"

/* Allocates and formats the next number into out (DOCNO_MAX bytes). */
int seq_next_docno(struct db *db, struct osb_err *e, const char *prefix, date_t day,
                   const char *type, char *out);

#endif
