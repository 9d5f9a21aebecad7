/*
 * statement.h (store) — the statement document aggregate (DZ): the statements row with its
 * snapshot of figures and entries. All of the statement's SQL is here; flow/statement.c
 * decides.
 */
#ifndef OSB_STORE_STATEMENT_H
#define OSB_STORE_STATEMENT_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct statement_doc {
    char number[DOCNO_MAX], customer[40], customer_name[128], kind[16];
    char period_from[12], period_to[12], state[16], response[16], created_by[40];
    int64_t opening_fen, debits_fen, credits_fen, closing_fen;
    json_t *entries; /* owned: the snapshot of ledger entries */
    int64_t sent_at, replied_at, reported_to_mm_at, reported_to_finance_at; /* 0: not yet */
    bool has_difference; /* difference_fen is set (0 after a confirmation) */
    int64_t difference_fen;
    char *difference_note; /* owned, NULL when none */
    char replied_by[40];
    int64_t version, created_at, updated_at;
    bool sent_changed, reply_changed, reported_changed; /* what save writes */
};

/* 1 found, 0 none, -1 error. */
int store_statement_load(struct db *db, struct osb_err *e, const char *number,
                         struct statement_doc *s);
void store_statement_release(struct statement_doc *s);
/* Inserts a new statement (generated, version 1) with its figures and entries. */
int store_statement_insert(struct db *db, struct osb_err *e, const struct statement_doc *s);
/* One UPDATE: state, version + 1, updated_at and what the action changed. */
int store_statement_save(struct db *db, struct osb_err *e, struct statement_doc *s,
                         const char *state, int64_t now);

/* The customers owing a statement of `kind` ("semiannual", "monthly") for the period ending on
   `to`: activity dated from..to or a balance at to, and none of that kind made yet for that
   period (a new array of codes). */
json_t *store_statement_due(struct db *db, struct osb_err *e, const char *kind, const char *from,
                            const char *to);

struct statement_filter {
    const char *customer, *kind, *response, *state, *cursor;
    int limit;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the statements u may see: *numbers (new array), *next (new string or NULL). */
int store_statement_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                         const struct statement_filter *f, json_t **numbers, char **next);

#endif
