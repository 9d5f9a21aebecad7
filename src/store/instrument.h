/*
 * instrument.h (store) — the instrument-in-hand aggregate (PJ): the instruments row. All of
 * the instrument's SQL is here; flow/instrument.c decides.
 */
#ifndef OSB_STORE_INSTRUMENT_H
#define OSB_STORE_INSTRUMENT_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct instrument {
    char number[DOCNO_MAX], customer[40], kind[24], instrument_no[64], state[16];
    char issuer_bank[128], maturity_date[12]; /* "" when not given */
    char received_by[40], finance_signed_by[40], payment[DOCNO_MAX];
    int64_t amount_fen, received_at, handed_over_at, finance_signed_at; /* 0 when not yet */
    int64_t version, updated_at;
    bool handed_changed, signed_changed; /* what save writes besides the state */
};

/* 1 found, 0 none, -1 error. */
int store_instrument_load(struct db *db, struct osb_err *e, const char *number,
                          struct instrument *p);
/* Inserts a new instrument (in_hand, version 1). */
int store_instrument_insert(struct db *db, struct osb_err *e, const struct instrument *p);
/* One UPDATE: state, version + 1, updated_at and what changed (handed over, signed for). */
int store_instrument_save(struct db *db, struct osb_err *e, struct instrument *p, const char *state,
                          int64_t now);
/* How many live (not returned) instruments of customer have this kind and number. */
int store_instrument_count_live(struct db *db, struct osb_err *e, const char *customer,
                                const char *kind, const char *instrument_no, int64_t *n);
/* Links the receipt payment to the oldest signed-for instrument of customer with this number
   and no receipt yet (none: nothing). */
int store_instrument_link_payment(struct db *db, struct osb_err *e, const char *customer,
                                  const char *instrument_no, const char *payment, int64_t now);

struct instrument_filter {
    const char *customer, *state, *kind, *received_by, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the instruments u may see: *numbers (new array), *next (new string or NULL). */
int store_instrument_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                          const struct instrument_filter *f, json_t **numbers, char **next);

#endif
