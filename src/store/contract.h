/*
 * contract.h (store) — the contract aggregate (HT): the contracts row, its approvals and the
 * orders that name it. All of the contract's SQL is here; flow/contract.c decides.
 */
#ifndef OSB_STORE_CONTRACT_H
#define OSB_STORE_CONTRACT_H

#include "core/docno.h"
#include "rules/perm.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define CONTRACT_MAX_APPROVALS 2

struct contract_approval {
    char level[8]; /* "mm" or "slt" */
    char approver[40];
    int64_t at;
};

struct contract {
    char number[DOCNO_MAX], customer[40], kind[16], state[16];
    int64_t value_fen, version, created_at, updated_at;
    bool has_term, major, needs_slt;
    int payment_term_days;
    char valid_from[12], valid_to[12]; /* "" when not given */
    char *deviations;                  /* owned, NULL when none */
    char signing_mode[16], signed_by[40], created_by[40];
    int64_t signed_at, archived_at; /* 0 when not yet */
    char quotation[DOCNO_MAX];      /* the won quotation it came from, "" when none */
    char archive_binder[24];        /* "YYYY-MM-nnn" once bound, else "" */
    bool original_received, deviations_confirmed;
    int64_t submitted_at, bound_at, closed_at; /* 0 when not yet */
    struct contract_approval approvals[CONTRACT_MAX_APPROVALS];
    size_t napprovals, approvals_saved; /* rows past approvals_saved are new: save inserts them */
    bool signed_changed, archived_changed, submitted_changed, bound_changed, closed_changed;
    bool approvals_cleared; /* rejected: save deletes the approvals (a new round starts) */
};

/* 1 found, 0 none, -1 error. */
int store_contract_load(struct db *db, struct osb_err *e, const char *number, struct contract *k);
void store_contract_release(struct contract *k);
/* Inserts a new contract (its number, fields, created_*) in state draft, version 1. */
int store_contract_insert(struct db *db, struct osb_err *e, const struct contract *k);
/* Writes the changes of one action at once: state, version + 1, updated_at, what changed
   (signing, archiving) and the new approvals. */
int store_contract_save(struct db *db, struct osb_err *e, struct contract *k, const char *state,
                        int64_t now);
/* The next binder number of month ("YYYY-MM"): "YYYY-MM-nnn" into out (24 bytes). */
int store_contract_next_binder(struct db *db, struct osb_err *e, const char *month, char *out);

/* The numbers of the orders naming the contract, oldest first (a new array). */
json_t *store_contract_orders(struct db *db, struct osb_err *e, const char *number);

struct contract_filter {
    const char *customer, *state, *kind, *cursor;
    int limit;
    const char *expiring_by; /* valid_to on or before this date (and not before today), or NULL */
    const char *today;
    const char *q; /* api.md §5.1 q= (store_filter_q), NULL: none */
};
/* One page of the contracts u may see: *numbers (new array), *next (new string or NULL). */
int store_contract_list(struct db *db, struct osb_err *e, const struct scope_user *u,
                        const struct contract_filter *f, json_t **numbers, char **next);

#endif
